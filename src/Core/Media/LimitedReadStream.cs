namespace DistaHilar.Core.Media;

/// <summary>Reads through to a body, counting, and fails the read that would pass the limit (the writer then aborts).</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : DelegatingReadStream(inner, disposeInner: false)
{
    public long BytesRead { get; private set; }

    public bool LimitExceeded { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Count(base.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(base.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await base.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        BytesRead += read;
        if (BytesRead > limit)
        {
            LimitExceeded = true;
            throw new InvalidDataException($"The body is larger than {limit} bytes.");
        }

        return read;
    }
}
