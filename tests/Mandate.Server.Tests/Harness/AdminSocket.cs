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
    public static Task<OAuthReply> SendAsync(BrokerHarness broker, HttpMethod method, string path, string? body, string? contentType = "application/json")
    {
        var content = body is null ? null : new StringContent(body);
        if (content is not null)
        {
            content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        return SendAsync(broker, method, path, content);
    }

    /// <summary>Sends <paramref name="content"/> (bytes or framing no string gives) as it is.</summary>
    public static async Task<OAuthReply> SendAsync(BrokerHarness broker, HttpMethod method, string path, HttpContent? content)
    {
        using var http = Connect(broker);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request);
        return await OAuthReply.ReadAsync(response);
    }

    private static HttpClient Connect(BrokerHarness broker)
    {
        return Mandate.Client.UnixSocketHttpClient.Create(broker.Options.AdminSocket, "mandate-admin");
    }
}
