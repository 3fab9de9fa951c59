using System.Net.Http.Json;

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

    /// <summary>Sends <paramref name="body"/> exactly as given, with <paramref name="contentType"/> (none when null).</summary>
    public static async Task<OAuthReply> SendAsync(BrokerHarness broker, HttpMethod method, string path, string? body, string? contentType = "application/json")
    {
        using var http = Connect(broker);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body);
            request.Content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await http.SendAsync(request);
        return await OAuthReply.ReadAsync(response);
    }

    private static HttpClient Connect(BrokerHarness broker)
    {
        return Mandate.Client.UnixSocketHttpClient.Create(broker.Options.AdminSocket, "mandate-admin");
    }
}
