namespace Mandate.Core.Configuration;

/// <summary>Reads <c>limits:</c> from mandate.yaml; each value outside its range is refused naming the range.</summary>
internal static class LimitsConfigReader
{
    public static LimitOptions Read(YamlMapping m)
    {
        var defaults = new LimitOptions();
        var (rate, grace) = m.Map("min_request_body_rate", r => (
            r.Integer("bytes_per_second", 1, 1_000_000) ?? defaults.MinRequestBodyBytesPerSecond,
            // Kestrel checks rates once a second, so a grace of 1 s or less could never be met (MinDataRate refuses it).
            Between(r, "grace", TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)) ?? defaults.MinRequestBodyGrace));
        return new LimitOptions
        {
            MaxConnections = m.Integer("max_connections", 1, 1_000_000) ?? defaults.MaxConnections,
            RequestHeadersTimeout = Between(m, "request_headers_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)) ?? defaults.RequestHeadersTimeout,
            KeepAliveTimeout = Between(m, "keep_alive_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) ?? defaults.KeepAliveTimeout,
            MinRequestBodyBytesPerSecond = rate,
            MinRequestBodyGrace = grace,
            DpopReplayCacheEntries = m.Integer("dpop_replay_cache_entries", 1_000, 10_000_000) ?? defaults.DpopReplayCacheEntries,
        };
    }

    private static TimeSpan? Between(YamlMapping m, string key, TimeSpan min, TimeSpan max)
    {
        var value = m.Duration(key, max);
        if (value < min)
        {
            m.Problem(key, $"'{m.String(key)}' is too short: from {Duration.Format(min)} to {Duration.Format(max)}");
            return null;
        }

        return value;
    }
}
