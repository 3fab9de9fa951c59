using System.Text.Json;
using System.Text.Json.Serialization;
using Mandate.Core.RateLimits;
using Mandate.Policy;

namespace Mandate.Core.Approvals;

/// <summary>
/// The rate-limit counters an approved credential moves (<see cref="Approval.RateIncrements"/>): decided when the
/// approval is asked, as an immediate credential's would be, and committed when it is collected.
/// </summary>
public static class ApprovalRateIncrements
{
    /// <summary>The stored form: a JSON array of <c>{"key", "keep_until"}</c>; null when the credential counts against no rate_limit.</summary>
    public static string? Serialize(IReadOnlyList<RateIncrement> increments)
    {
        ArgumentNullException.ThrowIfNull(increments);
        return increments.Count == 0 ? null : JsonSerializer.Serialize(increments.Select(i => new Stored(i.Key, i.KeepUntil)));
    }

    /// <summary>
    /// The increments to commit when <paramref name="approval"/> is collected at <paramref name="now"/>. A counter's window
    /// that ended while the approval waited is moved to the window <paramref name="now"/> falls in, the window an
    /// immediate credential issued now would count in. An approval stored without increments (null: asked under a rule
    /// without rate_limit, or before they were recorded) moves none.
    /// </summary>
    /// <exception cref="JsonException">The stored value is not what <see cref="Serialize"/> writes.</exception>
    public static IReadOnlyList<RateIncrement> ForCollection(Approval approval, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.RateIncrements is not { } json)
        {
            return [];
        }

        var stored = JsonSerializer.Deserialize<Stored[]>(json) ?? [];
        return stored.Select(s => RateLimit.CounterKeyAt(s.Key, s.KeepUntil, now)).Select(w => new RateIncrement(w.Key, w.WindowEnd)).ToList();
    }

    private sealed record Stored([property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("keep_until")] DateTimeOffset KeepUntil);
}
