using System.Net.Sockets;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>An HttpClient that talks to a Unix socket (the test process itself is then the attested caller).</summary>
internal static class WorkloadSocketClient
{
    public static HttpClient Connect(string socketPath, string host = "localhost")
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://{host}/"), Timeout = TimeSpan.FromSeconds(30) };
    }
}
