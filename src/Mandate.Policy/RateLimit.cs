using System.Globalization;

namespace Mandate.Policy;

/// <summary>What a rate limit counts per: each user, agent, tenant, run or tool has its own counter.</summary>
public enum RateLimitPer
{
    User,
    Agent,
    Tenant,
    Run,
    Tool,
}

/// <summary>
/// A rule's budget: at most <see cref="Max"/> credentials per <see cref="Per"/> key in each fixed
/// <see cref="Window"/> (windows are aligned to the Unix epoch, so every node agrees where one starts).
/// </summary>
public sealed record RateLimit(RateLimitPer Per, int Max, TimeSpan Window)
{
    /// <summary>Start of the window holding <paramref name="now"/>.</summary>
    public DateTimeOffset WindowStart(DateTimeOffset now)
    {
        var ticks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - (ticks % Window.Ticks));
    }

    /// <summary>The key's value for a request, e.g. the user for <c>per: user</c>; background work counts per agent.</summary>
    public string KeyValue(PolicyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Per switch
        {
            RateLimitPer.User => input.User ?? "agent:" + input.Agent,
            RateLimitPer.Agent => input.Agent,
            RateLimitPer.Tenant => input.Tenant,
            RateLimitPer.Run => input.RunId ?? "",
            _ => input.Tool,
        };
    }

    /// <summary>The counter's key: rule, what it counts per, and the window, so a new window starts at zero.</summary>
    public string CounterKey(string ruleId, PolicyInput input, DateTimeOffset now) =>
        $"{ruleId}|{Per.ToString().ToLowerInvariant()}:{KeyValue(input)}|{WindowStart(now).ToUnixTimeSeconds()}";

    /// <summary>
    /// The key and end of the window holding <paramref name="now"/> for a counter keyed by <see cref="CounterKey"/> for the
    /// window ending at <paramref name="windowEnd"/>: the same rule and key in the window <paramref name="now"/> falls in.
    /// A key that is not of that shape, or a window not yet ended, is returned as it is.
    /// </summary>
    public static (string Key, DateTimeOffset WindowEnd) CounterKeyAt(string counterKey, DateTimeOffset windowEnd, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(counterKey);
        var cut = counterKey.LastIndexOf('|');
        if (now < windowEnd || cut < 0 || !long.TryParse(counterKey.AsSpan(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return (counterKey, windowEnd);
        }

        var start = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var window = windowEnd - start;
        if (window <= TimeSpan.Zero)
        {
            return (counterKey, windowEnd);
        }

        // Windows are aligned to the epoch and the key's start is one, so whole windows on from it are aligned too.
        var moved = start.AddTicks((now - start).Ticks / window.Ticks * window.Ticks);
        return ($"{counterKey[..cut]}|{moved.ToUnixTimeSeconds()}", moved + window);
    }

    public override string ToString() => $"{Max} per {Per.ToString().ToLowerInvariant()} per {PolicyDuration.Format(Window)}";
}
