using System.Net.WebSockets;
using System.Threading.Channels;

namespace DistaHilar.SignalREmulator;

/// <summary>
/// One client's WebSocket: splits what it sends into hub-protocol messages and writes what is queued for it.
/// Sends go through a bounded queue so a client that stops reading is dropped instead of growing memory.
/// </summary>
internal sealed class ClientConnection : IDisposable
{
    public const byte Separator = 0x1E;
    private const int MaxMessageBytes = 1024 * 1024;
    private static readonly byte[] PingFrame = [.. """{"type":6}"""u8, Separator];
    private readonly WebSocket socket;
    private readonly Channel<ReadOnlyMemory<byte>> outbox;
    private readonly CancellationTokenSource aborted = new();
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private byte[] buffer = new byte[8192];
    private int buffered;
    private long lastReceived;
    private bool closing;
    private string? error;

    public ClientConnection(WebSocket socket, NegotiatedClient client, int maxQueued, TimeProvider time)
    {
        this.socket = socket;
        this.time = time;
        Client = client;
        outbox = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(maxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        lastReceived = time.GetTimestamp();
    }

    public NegotiatedClient Client { get; }

    public string Id => Client.ConnectionId;

    public string Hub => Client.Hub;

    public string? UserId => Client.UserId;

    /// <summary>Queues one framed message; false when the connection is closing or was just dropped for a full queue.</summary>
    public bool Send(ReadOnlyMemory<byte> frame)
    {
        lock (gate)
        {
            if (closing)
            {
                return false;
            }

            if (outbox.Writer.TryWrite(frame))
            {
                return true;
            }
        }

        Abort($"The client stopped reading: more than {outbox.Reader.Count} messages are queued for it.");
        return false;
    }

    /// <summary>Sends the close message (when <paramref name="notify"/>) after what is queued, then closes the socket.</summary>
    public void Close(string? reason, bool notify = true, bool allowReconnect = false)
    {
        bool full;
        lock (gate)
        {
            if (closing)
            {
                return;
            }

            closing = true;
            error ??= reason;
            full = notify && !outbox.Writer.TryWrite(HubMessages.Close(reason, allowReconnect));
            outbox.Writer.TryComplete();
        }

        if (full)
        {
            aborted.Cancel();
        }
    }

    public void Abort(string reason)
    {
        lock (gate)
        {
            closing = true;
            error ??= reason;
            outbox.Writer.TryComplete();
        }

        aborted.Cancel();
    }

    /// <summary>Reads up to the first separator: the handshake request. Null when the client left or sent junk.</summary>
    public async Task<byte[]?> ReadHandshakeAsync(CancellationToken ct)
    {
        while (true)
        {
            var end = Array.IndexOf(buffer, Separator, 0, buffered);
            if (end >= 0)
            {
                var handshake = buffer[..end];
                Consume(end + 1);
                return handshake;
            }

            if (!await ReceiveAsync(ct))
            {
                return null;
            }
        }
    }

    /// <summary>Writes straight to the socket; only for the handshake answer, before the send loop runs.</summary>
    public Task SendNowAsync(ReadOnlyMemory<byte> frame, CancellationToken ct) =>
        socket.SendAsync(frame, WebSocketMessageType.Text, true, ct).AsTask();

    /// <summary>Runs until either side closes; returns the error for an abnormal end, null for a normal one.</summary>
    public async Task<string?> RunAsync(Action<ReadOnlyMemory<byte>> onMessage, TimeSpan keepAlive, TimeSpan clientTimeout, CancellationToken stopping)
    {
        using var link = stopping.Register(() => Close("The service is stopping.", allowReconnect: true));
        var sending = SendLoopAsync();
        var receiving = ReceiveLoopAsync(onMessage);
        var pinging = KeepAliveLoopAsync(keepAlive, clientTimeout);

        var first = await Task.WhenAny(sending, receiving);
        if (first == receiving)
        {
            // The client went away or said goodbye: nothing queued can reach it any more.
            Close(null, notify: false);
            aborted.Cancel();
        }
        else if (!aborted.IsCancellationRequested)
        {
            // We closed: give the client a moment to answer the close frame, then drop it.
            aborted.CancelAfter(TimeSpan.FromSeconds(5));
        }

        await Task.WhenAll(sending, receiving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        aborted.Cancel();
        await pinging.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        socket.Abort();
        lock (gate)
        {
            return error;
        }
    }

    public void Dispose()
    {
        aborted.Dispose();
        socket.Dispose();
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var frame in outbox.Reader.ReadAllAsync(aborted.Token))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, true, aborted.Token);
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private async Task ReceiveLoopAsync(Action<ReadOnlyMemory<byte>> onMessage)
    {
        try
        {
            while (await ReceiveAsync(aborted.Token))
            {
                int end;
                while ((end = Array.IndexOf(buffer, Separator, 0, buffered)) >= 0)
                {
                    onMessage(buffer.AsMemory(0, end));
                    Consume(end + 1);
                }
            }

            if (socket.State != WebSocketState.CloseReceived)
            {
                lock (gate)
                {
                    error ??= "The client closed the connection without a close frame.";
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            lock (gate)
            {
                error ??= closing ? null : "The connection was dropped: " + e.Message;
            }
        }
    }

    private async Task KeepAliveLoopAsync(TimeSpan interval, TimeSpan clientTimeout)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(aborted.Token))
            {
                if (time.GetElapsedTime(Interlocked.Read(ref lastReceived)) > clientTimeout)
                {
                    Abort($"The client sent nothing for {clientTimeout.TotalSeconds:0} s.");
                    return;
                }

                Send(PingFrame);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads one frame into the buffer; false when the client closed.</summary>
    private async Task<bool> ReceiveAsync(CancellationToken ct)
    {
        if (buffer.Length - buffered < 4096)
        {
            if (buffered >= MaxMessageBytes)
            {
                Abort("A message exceeded 1 MB.");
                return false;
            }

            Array.Resize(ref buffer, buffer.Length * 2);
        }

        var result = await socket.ReceiveAsync(buffer.AsMemory(buffered), ct);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return false;
        }

        buffered += result.Count;
        Interlocked.Exchange(ref lastReceived, time.GetTimestamp());
        return true;
    }

    private void Consume(int count)
    {
        Buffer.BlockCopy(buffer, count, buffer, 0, buffered - count);
        buffered -= count;
    }
}
