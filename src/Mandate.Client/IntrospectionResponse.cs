using System.Text.Json;

namespace Mandate.Client;

/// <summary>RFC 7662 response. <see cref="Claims"/> holds every member the broker returned.</summary>
public sealed record IntrospectionResponse(bool Active, JsonElement Claims)
{
    /// <summary>A string member of the response, or null.</summary>
    public string? Get(string name) =>
        Claims.ValueKind == JsonValueKind.Object && Claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
