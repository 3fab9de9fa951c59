using System.Text.Json;

namespace Mandate.ResourceServer.Tests.Harness;

/// <summary>A tool's answer: status, challenges and body, with the RFC 6750 parameters pulled out.</summary>
public sealed record ToolReply(int Status, IReadOnlyList<string> Challenges, string Body, IReadOnlyList<string> Headers)
{
    public static async Task<ToolReply> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var challenges = response.Headers.TryGetValues("WWW-Authenticate", out var values) ? values.ToList() : [];
        var headers = response.Headers.Concat(response.Content.Headers).Select(h => h.Key).ToList();
        return new ToolReply((int)response.StatusCode, challenges, await response.Content.ReadAsStringAsync(), headers);
    }

    /// <summary>The Bearer challenge.</summary>
    public string Bearer => Challenges.SingleOrDefault(c => c.StartsWith("Bearer ", StringComparison.Ordinal)) ?? "";

    /// <summary>The DPoP challenge (RFC 9449 §7.1).</summary>
    public string Dpop => Challenges.SingleOrDefault(c => c.StartsWith("DPoP ", StringComparison.Ordinal)) ?? "";

    /// <summary>The error code in the DPoP challenge, or null.</summary>
    public string? DpopError => Dpop.Contains("error=\"", StringComparison.Ordinal) ? Dpop.Split("error=\"")[1].Split('"')[0] : null;

    /// <summary>The RFC 6750 error code in the Bearer challenge, or null.</summary>
    public string? Error => Parameter("error");

    /// <summary>The error_description in the Bearer challenge, or null.</summary>
    public string? Description => Parameter("error_description");

    public string? Parameter(string name)
    {
        var marker = $"{name}=\"";
        var start = Bearer.IndexOf(", " + marker, StringComparison.Ordinal);
        start = start < 0 ? (Bearer.StartsWith("Bearer " + marker, StringComparison.Ordinal) ? "Bearer ".Length : -1) : start + 2;
        if (start < 0)
        {
            return null;
        }

        start += marker.Length;
        var end = Bearer.IndexOf('"', start);
        return Bearer[start..end];
    }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}
