using System.Net.Sockets;

namespace Mandate.Client;

/// <summary>An <see cref="HttpClient"/> whose every connection goes to one Unix domain socket (the admin and workload sockets).</summary>
public static class UnixSocketHttpClient
{
    /// <param name="socketPath">The socket file.</param>
    /// <param name="host">The Host header; the socket, not the name, decides where requests go.</param>
    public static HttpClient Create(string socketPath, string host = "localhost") =>
        new(Handler(socketPath)) { BaseAddress = new Uri($"http://{host}/"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A handler whose every connection goes to <paramref name="socketPath"/>, for clients that bring their own (gRPC, HTTP/2).</summary>
    public static SocketsHttpHandler Handler(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        return new SocketsHttpHandler
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
    }
}
