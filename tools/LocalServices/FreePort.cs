using System.Net;
using System.Net.Sockets;

namespace DistaHilar.LocalServices;

/// <summary>
/// Hands out free TCP ports on 127.0.0.1 by letting the kernel pick one (bind to port 0).
/// The port is released before the caller binds it, so a race with another process is possible;
/// the servers in this library retry on "address in use".
/// </summary>
public static class FreePort
{
    // The kernel may hand the same ephemeral port out twice in a row once it is released;
    // remembering what this process already gave out keeps parallel fixtures apart.
    private static readonly HashSet<int> Issued = [];
    private static readonly Lock Gate = new();

    /// <summary>Returns a port on 127.0.0.1 that was free a moment ago and not yet issued by this process.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Issued.Add(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("Could not find a free loopback port that was not already issued.");
        }
    }
}
