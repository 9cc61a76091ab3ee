namespace DistaHilar.Core.Media;

/// <summary>
/// Reads through to a body, counting, and fails the read that would pass the limit (the writer then aborts). It
/// also remembers when the body itself failed (a multipart body cut off before its boundary), so the caller can tell
/// the client's broken input from the store's failure.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : DelegatingReadStream(inner, disposeInner: false)
{
    public long BytesRead { get; private set; }

    public bool LimitExceeded { get; private set; }

    /// <summary>Reading the body threw an I/O or format error (not a cancellation).</summary>
    public bool SourceFailed { get; private set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return Count(base.Read(buffer, offset, count));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException && !LimitExceeded)
        {
            SourceFailed = true;
            throw;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Count(base.Read(buffer));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException && !LimitExceeded)
        {
            SourceFailed = true;
            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Count(await base.ReadAsync(buffer, cancellationToken));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException && !LimitExceeded)
        {
            SourceFailed = true;
            throw;
        }
    }

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
