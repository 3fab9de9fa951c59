using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mandate.Client;
using Mandate.Core.Configuration;

namespace Mandate.Cli.Tests.Durability;

/// <summary>What a drill asks a running broker besides exchanges: introspection as the CRM, and its admin API.</summary>
internal static class BrokerCalls
{
    /// <summary>RFC 7662 introspection of <paramref name="accessToken"/> by the CRM workload; whether it is active.</summary>
    public static async Task<bool> IsActiveAsync(HttpClient http, Uri broker, DevTokens tokens, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(broker, "/oauth2/introspect"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = accessToken }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Workload(DurabilityConfig.Tool));
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"introspection: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("active").GetBoolean();
    }

    /// <summary>An admin API client on the broker's admin socket.</summary>
    public static HttpClient Admin(string config) => UnixSocketHttpClient.Create(ConfigLoader.LoadFile(config).AdminSocket, "mandate-admin");

    /// <summary>POST <paramref name="path"/> on the admin API with a JSON body; the status and body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> PostAdminAsync(HttpClient admin, string path, object body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>The access token of a 200 token response.</summary>
    public static string AccessToken(string body) => JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
}
