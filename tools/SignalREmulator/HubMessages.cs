using System.Buffers;
using System.Text.Json;

namespace DistaHilar.SignalREmulator;

/// <summary>The JSON hub-protocol messages the service writes, each framed with the 0x1E separator.</summary>
internal static class HubMessages
{
    public static readonly byte[] HandshakeOk = [.. "{}"u8, ClientConnection.Separator];

    public static byte[] HandshakeError(string error) => Write(w => w.WriteString("error", error));

    public static byte[] Invocation(string target, JsonElement arguments) => Write(w =>
    {
        w.WriteNumber("type", 1);
        w.WriteString("target", target);
        w.WritePropertyName("arguments");
        arguments.WriteTo(w);
    });

    /// <summary>A completion without a result, or with an error when one is given.</summary>
    public static byte[] Completion(string invocationId, string? error) => Write(w =>
    {
        w.WriteNumber("type", 3);
        w.WriteString("invocationId", invocationId);
        if (error is not null)
        {
            w.WriteString("error", error);
        }
    });

    /// <summary>With <paramref name="allowReconnect"/> the official clients' automatic reconnect takes over (as on a service restart).</summary>
    public static byte[] Close(string? error, bool allowReconnect = false) => Write(w =>
    {
        w.WriteNumber("type", 7);
        if (error is not null)
        {
            w.WriteString("error", error);
        }

        if (allowReconnect)
        {
            w.WriteBoolean("allowReconnect", true);
        }
    });

    public static byte[] Frame(ReadOnlySpan<byte> message) => [.. message, ClientConnection.Separator];

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var output = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        output.Write([ClientConnection.Separator]);
        return output.WrittenSpan.ToArray();
    }
}
