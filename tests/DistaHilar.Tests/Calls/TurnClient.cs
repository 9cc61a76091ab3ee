using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace DistaHilar.Tests.Calls;

/// <summary>
/// The least of a TURN client (RFC 5389 / 5766) a test needs: an Allocate, the 401 challenge with realm and nonce, and
/// the Allocate again with long-term credentials (MESSAGE-INTEGRITY keyed by MD5(username:realm:password)), over UDP
/// or TCP. A browser's RTCPeerConnection does exactly this with the ice-servers entry it is given.
/// </summary>
internal sealed class TurnClient : IDisposable
{
    private const uint MagicCookie = 0x2112A442;
    private const ushort AllocateRequest = 0x0003;
    private const ushort AllocateSuccess = 0x0103;
    private const ushort AllocateError = 0x0113;
    private const ushort Username = 0x0006;
    private const ushort MessageIntegrity = 0x0008;
    private const ushort ErrorCode = 0x0009;
    private const ushort Realm = 0x0014;
    private const ushort Nonce = 0x0015;
    private const ushort XorRelayedAddress = 0x0016;
    private const ushort RequestedTransport = 0x0019;
    private static readonly byte[] UdpTransport = [17, 0, 0, 0];

    private readonly Socket socket;
    private readonly bool tcp;

    private TurnClient(Socket socket, bool tcp)
    {
        this.socket = socket;
        this.tcp = tcp;
    }

    public static async Task<TurnClient> ConnectAsync(IPEndPoint server, bool tcp, CancellationToken ct)
    {
        var socket = tcp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            await socket.ConnectAsync(server, ct); // for UDP: fixes the peer, so only its datagrams arrive
            return new TurnClient(socket, tcp);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Allocate, answer the challenge, Allocate again: the final answer.</summary>
    public async Task<AllocateResult> AllocateAsync(string username, string password, CancellationToken ct)
    {
        var challenge = await RequestAsync(Build(AllocateRequest, [(RequestedTransport, UdpTransport)], null), ct);
        if (challenge.Type != AllocateError || challenge.ErrorCode != 401 || challenge.Attribute(Realm) is not { } realm || challenge.Attribute(Nonce) is not { } nonce)
        {
            throw new InvalidOperationException($"Expected a 401 challenge with realm and nonce, got type 0x{challenge.Type:x4} error {challenge.ErrorCode}.");
        }

#pragma warning disable CA5351 // the long-term credential key is defined as MD5 (RFC 5389 15.4)
        var key = MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{Encoding.UTF8.GetString(realm)}:{password}"));
#pragma warning restore CA5351
        var answer = await RequestAsync(
            Build(AllocateRequest, [(RequestedTransport, UdpTransport), (Username, Encoding.UTF8.GetBytes(username)), (Realm, realm), (Nonce, nonce)], key),
            ct);
        if (answer.Type == AllocateSuccess)
        {
            return new AllocateResult(true, null, answer.HasValidIntegrity(key), answer.RelayedAddress());
        }

        return new AllocateResult(false, answer.ErrorCode, false, null);
    }

    public void Dispose() => socket.Dispose();

    /// <summary>Sends the request and waits for the answer with its transaction id; over UDP it is resent every 500 ms.</summary>
    private async Task<StunMessage> RequestAsync(byte[] request, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        if (tcp)
        {
            await socket.SendAsync(request, deadline.Token);
            while (true)
            {
                var header = await ReadExactlyAsync(20, deadline.Token);
                var body = await ReadExactlyAsync(BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)), deadline.Token);
                var message = StunMessage.Parse([.. header, .. body]);
                if (message.TransactionId.SequenceEqual(request.AsSpan(8, 12).ToArray()))
                {
                    return message;
                }
            }
        }

        var buffer = new byte[2048];
        while (true)
        {
            await socket.SendAsync(request, deadline.Token);
            using var retransmit = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            retransmit.CancelAfter(TimeSpan.FromMilliseconds(500));
            try
            {
                while (true)
                {
                    var read = await socket.ReceiveAsync(buffer, retransmit.Token);
                    var message = StunMessage.Parse(buffer[..read]);
                    if (message.TransactionId.SequenceEqual(request.AsSpan(8, 12).ToArray()))
                    {
                        return message;
                    }
                }
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                // lost on the way (UDP): send it again
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var data = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(data.AsMemory(read), ct);
            if (n == 0)
            {
                throw new IOException("The TURN server closed the TCP connection.");
            }

            read += n;
        }

        return data;
    }

    /// <summary>A STUN message; with <paramref name="integrityKey"/>, MESSAGE-INTEGRITY last (RFC 5389 15.4).</summary>
    private static byte[] Build(ushort type, IReadOnlyList<(ushort Type, byte[] Value)> attributes, byte[]? integrityKey)
    {
        using var body = new MemoryStream();
        foreach (var (attributeType, value) in attributes)
        {
            WriteAttribute(body, attributeType, value);
        }

        var header = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(header, type);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), MagicCookie);
        RandomNumberGenerator.Fill(header.AsSpan(8, 12));
        if (integrityKey is null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)body.Length);
            return [.. header, .. body.ToArray()];
        }

        // The length covers the MESSAGE-INTEGRITY attribute (24 bytes) while the HMAC covers what precedes it.
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(body.Length + 24));
        byte[] signed = [.. header, .. body.ToArray()];
#pragma warning disable CA5350 // STUN's MESSAGE-INTEGRITY is defined as HMAC-SHA1
        var integrity = HMACSHA1.HashData(integrityKey, signed);
#pragma warning restore CA5350
        using var full = new MemoryStream();
        full.Write(signed);
        WriteAttribute(full, MessageIntegrity, integrity);
        return full.ToArray();
    }

    private static void WriteAttribute(MemoryStream to, ushort type, byte[] value)
    {
        Span<byte> head = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(head, type);
        BinaryPrimitives.WriteUInt16BigEndian(head[2..], (ushort)value.Length);
        to.Write(head);
        to.Write(value);
        to.Write(new byte[(4 - (value.Length % 4)) % 4]);
    }

    private sealed record StunMessage(ushort Type, byte[] TransactionId, byte[] Raw, IReadOnlyList<(ushort Type, int Offset, byte[] Value)> Attributes)
    {
        public int? ErrorCode => Attribute(TurnClient.ErrorCode) is { Length: >= 4 } e ? ((e[2] & 0x7) * 100) + e[3] : null;

        public static StunMessage Parse(byte[] raw)
        {
            if (raw.Length < 20 || BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(4)) != MagicCookie)
            {
                throw new InvalidDataException("Not a STUN message.");
            }

            var attributes = new List<(ushort, int, byte[])>();
            var end = 20 + BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(2));
            for (var at = 20; at + 4 <= end;)
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(at + 2));
                attributes.Add((BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(at)), at, raw[(at + 4)..(at + 4 + length)]));
                at += 4 + length + ((4 - (length % 4)) % 4);
            }

            return new StunMessage(BinaryPrimitives.ReadUInt16BigEndian(raw), raw[8..20], raw, attributes);
        }

        public byte[]? Attribute(ushort type) => Attributes.FirstOrDefault(a => a.Type == type).Value;

        /// <summary>The server's MESSAGE-INTEGRITY checks out with our key: it derived the same long-term key.</summary>
        public bool HasValidIntegrity(byte[] key)
        {
            var (type, offset, value) = Attributes.FirstOrDefault(a => a.Type == MessageIntegrity);
            if (type != MessageIntegrity)
            {
                return false;
            }

            var signed = Raw[..offset];
            BinaryPrimitives.WriteUInt16BigEndian(signed.AsSpan(2), (ushort)(offset + 24 - 20));
#pragma warning disable CA5350 // STUN's MESSAGE-INTEGRITY is defined as HMAC-SHA1
            return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(key, signed), value);
#pragma warning restore CA5350
        }

        public IPEndPoint? RelayedAddress()
        {
            if (Attribute(XorRelayedAddress) is not { Length: 8 } value || value[1] != 0x01)
            {
                return null;
            }

            var port = BinaryPrimitives.ReadUInt16BigEndian(value.AsSpan(2)) ^ (ushort)(MagicCookie >> 16);
            var address = BinaryPrimitives.ReadUInt32BigEndian(value.AsSpan(4)) ^ MagicCookie;
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
            return new IPEndPoint(new IPAddress(bytes), port);
        }
    }
}

/// <summary>An Allocate's outcome: success (with the server's integrity checked and the relayed address) or the error code.</summary>
internal sealed record AllocateResult(bool Succeeded, int? ErrorCode, bool IntegrityValid, IPEndPoint? RelayedAddress);
