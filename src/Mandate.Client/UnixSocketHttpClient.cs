using System.Net.Sockets;

namespace Mandate.Client;

/// <summary>An <see cref="HttpClient"/> whose every connection goes to one Unix domain socket (the admin and workload sockets).</summary>
public static class UnixSocketHttpClient
{
    /// <param name="socketPath">The socket file.</param>
    /// <param name="host">The Host header; the socket, not the name, decides where requests go.</param>
    public static HttpClient Create(string socketPath, string host = "localhost")
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
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
