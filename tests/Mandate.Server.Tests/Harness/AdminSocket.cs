using System.Net.Http.Json;
using System.Net.Sockets;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// Raw HTTP over the broker's admin Unix socket, for what the admin client does not surface: the exact
/// status, media type and body of a problem answer, and JSON endpoints the client has no method for.
/// </summary>
internal static class AdminSocket
{
    public static async Task<OAuthReply> GetAsync(BrokerHarness broker, string path)
    {
        using var http = Connect(broker);
        using var response = await http.GetAsync(path);
        return await OAuthReply.ReadAsync(response);
    }

    public static async Task<OAuthReply> PostJsonAsync(BrokerHarness broker, string path, object body)
    {
        using var http = Connect(broker);
        using var response = await http.PostAsJsonAsync(path, body);
        return await OAuthReply.ReadAsync(response);
    }

    private static HttpClient Connect(BrokerHarness broker)
    {
        var socketPath = broker.Options.AdminSocket;
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
        return new HttpClient(handler) { BaseAddress = new Uri("http://mandate-admin/"), Timeout = TimeSpan.FromSeconds(30) };
    }
}
