using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// Reads the admin API's answers into what <see cref="MandateAdminClient"/> returns. Every reader checks the shape it
/// reads and throws <see cref="JsonException"/> for any other, which the client turns into one <c>invalid_response</c>
/// naming the endpoint.
/// </summary>
internal static class AdminAnswer
{
    public static JsonElement Object(JsonElement root) => Kind(root, JsonValueKind.Object).Clone();

    public static JsonElement Array(JsonElement root) => Kind(root, JsonValueKind.Array).Clone();

    /// <summary>The strings of the array member <paramref name="name"/>.</summary>
    public static Func<JsonElement, IReadOnlyList<string>> Strings(string name) => root =>
        [.. Kind(Member(root, name), JsonValueKind.Array).EnumerateArray().Select(e => Kind(e, JsonValueKind.String).GetString()!)];

    /// <summary>The console login's absolute <c>url</c> and its <c>expires_at</c>.</summary>
    public static (Uri Url, DateTimeOffset ExpiresAt) ConsoleLogin(JsonElement root)
    {
        var url = Kind(Member(root, "url"), JsonValueKind.String).GetString();
        return (Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new JsonException("url is not an absolute URI"),
            Kind(Member(root, "expires_at"), JsonValueKind.String).TryGetDateTimeOffset(out var expiresAt)
                ? expiresAt
                : throw new JsonException("expires_at is not an RFC 3339 date-time"));
    }

    /// <summary>Member <paramref name="name"/> of an object answer.</summary>
    private static JsonElement Member(JsonElement root, string name) =>
        Kind(root, JsonValueKind.Object).TryGetProperty(name, out var value) ? value : throw new JsonException($"no member {name}");

    /// <summary><paramref name="element"/> when it is of <paramref name="kind"/>; JSON of another shape is not the admin API's answer.</summary>
    private static JsonElement Kind(JsonElement element, JsonValueKind kind) =>
        element.ValueKind == kind ? element : throw new JsonException($"expected a JSON {kind}, got {element.ValueKind}");
}
