using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary><c>limits:</c>: connection caps, slow-client timeouts and the DPoP replay cache, each refused outside its range.</summary>
public sealed class LimitsConfigTests
{
    [Fact]
    public void Parse_NoLimitsSection_KeepsKestrelsDefaultsAndCapsConnections()
    {
        var limits = Parse(Minimal).Limits;

        Assert.Equal(10_000, limits.MaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(30), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(130), limits.KeepAliveTimeout);
        Assert.Equal((240, TimeSpan.FromSeconds(5)), (limits.MinRequestBodyBytesPerSecond, limits.MinRequestBodyGrace));
        Assert.Equal(100_000, limits.DpopReplayCacheEntries);
    }

    [Fact]
    public void Parse_EveryLimit_IsTheOptions()
    {
        var limits = Parse(Minimal + """

            limits:
              max_connections: 2
              request_headers_timeout: 1s
              keep_alive_timeout: 1m
              min_request_body_rate: { bytes_per_second: 1000, grace: 2s }
              dpop_replay_cache_entries: 1000
            """).Limits;

        Assert.Equal(2, limits.MaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(1), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), limits.KeepAliveTimeout);
        Assert.Equal((1000, TimeSpan.FromSeconds(2)), (limits.MinRequestBodyBytesPerSecond, limits.MinRequestBodyGrace));
        Assert.Equal(1000, limits.DpopReplayCacheEntries);
    }

    [Theory]
    [InlineData("max_connections: 0", "limits.max_connections", "from 1 to 1000000")]
    [InlineData("max_connections: -5", "limits.max_connections", "from 1 to 1000000")]
    [InlineData("max_connections: 1000001", "limits.max_connections", "from 1 to 1000000")]
    [InlineData("max_connections: 10k", "limits.max_connections", "whole number")]
    [InlineData("request_headers_timeout: 0s", "limits.request_headers_timeout", "not a duration")]
    [InlineData("request_headers_timeout: -1s", "limits.request_headers_timeout", "not a duration")]
    [InlineData("request_headers_timeout: 30", "limits.request_headers_timeout", "not a duration")]
    [InlineData("request_headers_timeout: 500ms", "limits.request_headers_timeout", "not a duration")]
    [InlineData("request_headers_timeout: 6m", "limits.request_headers_timeout", "at most 5m")]
    [InlineData("keep_alive_timeout: 0s", "limits.keep_alive_timeout", "not a duration")]
    [InlineData("keep_alive_timeout: 2h", "limits.keep_alive_timeout", "at most 1h")]
    [InlineData("keep_alive_timeout: 130", "limits.keep_alive_timeout", "not a duration")]
    [InlineData("min_request_body_rate: { bytes_per_second: 0 }", "limits.min_request_body_rate.bytes_per_second", "from 1 to 1000000")]
    [InlineData("min_request_body_rate: { bytes_per_second: -240 }", "limits.min_request_body_rate.bytes_per_second", "from 1 to 1000000")]
    [InlineData("min_request_body_rate: { bytes_per_second: 1000001 }", "limits.min_request_body_rate.bytes_per_second", "from 1 to 1000000")]
    [InlineData("min_request_body_rate: { bytes_per_second: 240B }", "limits.min_request_body_rate.bytes_per_second", "whole number")]
    [InlineData("min_request_body_rate: { grace: 1s }", "limits.min_request_body_rate.grace", "too short: from 2s to 5m")]
    [InlineData("min_request_body_rate: { grace: 10m }", "limits.min_request_body_rate.grace", "at most 5m")]
    [InlineData("min_request_body_rate: { grace: 5 }", "limits.min_request_body_rate.grace", "not a duration")]
    [InlineData("min_request_body_rate: 240", "limits.min_request_body_rate", "must be a mapping")]
    [InlineData("dpop_replay_cache_entries: 999", "limits.dpop_replay_cache_entries", "from 1000 to 10000000")]
    [InlineData("dpop_replay_cache_entries: 0", "limits.dpop_replay_cache_entries", "from 1000 to 10000000")]
    [InlineData("dpop_replay_cache_entries: 10000001", "limits.dpop_replay_cache_entries", "from 1000 to 10000000")]
    [InlineData("max_connection: 2", "limits.max_connection", "unknown key")]
    public void Parse_BadLimit_ReportsTheKeyAndItsRange(string line, string key, string message)
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(Minimal + "\nlimits:\n  " + line + "\n"));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(key, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }
}
