using System.Net;
using System.Net.Sockets;

namespace Mandate.Testing;

/// <summary>
/// A port free on 127.0.0.1 now, for a server whose address must be written into its configuration before it
/// listens (an issuer, a tool's resource). Another listener may take it first: callers retry on a bind failure.
/// </summary>
public static class LoopbackPort
{
    // Bound for the life of the process and never listening: connecting is refused at once, and no other listener
    // (another test's, another process's) can take the port meanwhile, as it could one that was merely closed.
    private static readonly Lazy<Socket> Reserved = new(() =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    });

    /// <summary>A port on 127.0.0.1 that refuses every connection, for a server that must be unreachable.</summary>
    public static int Refused => ((IPEndPoint)Reserved.Value.LocalEndPoint!).Port;

    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
