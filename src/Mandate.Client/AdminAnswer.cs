using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// Reads the admin API's answers into what <see cref="MandateAdminClient"/> returns. A reader throws only the parser's
/// own exceptions (<see cref="JsonException"/>, <see cref="InvalidOperationException"/>, <see cref="FormatException"/>,
/// <see cref="KeyNotFoundException"/>), which the client turns into one <c>invalid_response</c> naming the endpoint.
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
        return (Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new FormatException("url is not an absolute URI"),
            Member(root, "expires_at").GetDateTimeOffset());
    }

    /// <summary>Member <paramref name="name"/> of an object answer.</summary>
    private static JsonElement Member(JsonElement root, string name) =>
        Kind(root, JsonValueKind.Object).TryGetProperty(name, out var value) ? value : throw new KeyNotFoundException($"no member {name}");

    /// <summary><paramref name="element"/> when it is of <paramref name="kind"/>; JSON of another shape is a parser error.</summary>
    private static JsonElement Kind(JsonElement element, JsonValueKind kind) =>
        element.ValueKind == kind ? element : throw new InvalidOperationException($"expected a JSON {kind}, got {element.ValueKind}");
}
