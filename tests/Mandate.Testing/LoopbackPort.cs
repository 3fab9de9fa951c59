using System.Net;
using System.Net.Sockets;

namespace Mandate.Testing;

/// <summary>
/// A port free on 127.0.0.1 now, for a server whose address must be written into its configuration before it
/// listens (an issuer, a tool's resource). Another listener may take it first: callers retry on a bind failure.
/// </summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
