namespace DistaHilar.Core.Media;

/// <summary>
/// A body whose first bytes were already read (to sniff them): yields those again, then the rest of the body, so the
/// whole file still streams once and is never buffered beyond its head.
/// </summary>
internal sealed class HeadReplayStream(ReadOnlyMemory<byte> head, Stream rest) : DelegatingReadStream(rest, disposeInner: false)
{
    private ReadOnlyMemory<byte> pending = head;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => pending.IsEmpty ? base.Read(buffer) : Replay(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        pending.IsEmpty ? base.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(Replay(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Replay(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, pending.Length);
        pending.Span[..n].CopyTo(buffer);
        pending = pending[n..];
        return n;
    }
}
