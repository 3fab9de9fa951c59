using System.Net;
using System.Text.Json;

namespace Mandate.Server.Tests.Harness;

/// <summary>One HTTP answer from the broker, read completely: status, headers and (when JSON) the body.</summary>
public sealed record OAuthReply(HttpStatusCode Status, string Body, string? MediaType, IReadOnlyDictionary<string, string> Headers)
{
    public static async Task<OAuthReply> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new OAuthReply(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, headers);
    }

    /// <summary>The body as JSON; fails the test when it is not JSON.</summary>
    public JsonElement Json
    {
        get
        {
            using var doc = JsonDocument.Parse(Body);
            return doc.RootElement.Clone();
        }
    }

    public bool IsJson => MediaType == "application/json";

    public string? Error => Member("error");

    public string Description => Member("error_description") ?? "";

    public string? AccessToken => Member("access_token");

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public string? Member(string name) =>
        IsJson && Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public override string ToString() => $"HTTP {(int)Status}: {Body}";
}
