using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary>
/// Durations that feed dates and timers have an upper bound, refused at the value. Without one, <c>runs.max_duration:
/// 9000000d</c> made every run token request a 500 (a date past 9999), <c>audit.checkpoints.interval: 60d</c> stopped
/// the broker without a word (a timer holds about 49 days), and <c>proxy.connect_timeout: 30d</c> crashed it at start.
/// </summary>
public sealed class DurationLimitConfigTests
{
    private const string Console = "\nconsole:\n  listen: http://127.0.0.1:8470\n  oidc:\n    issuer: https://login.acme.example\n    client_id: c\n    roles: { admin: [a] }\n";

    public static TheoryData<string, string, string> TooLong => new()
    {
        { "\nruns: { max_duration: 366d }\n", "runs.max_duration", "'366d' is too long: at most 365d" },
        { "\nruns: { max_duration: 9000000d }\n", "runs.max_duration", "at most 365d" },
        { "\nkeys: { rotate_every: 366d }\n", "keys.rotate_every", "'366d' is too long: at most 365d" },
        { "\nidentity_cache: { max_age: 61m }\n", "identity_cache.max_age", "'61m' is too long: at most 1h" },
        { "\naudit: { checkpoints: { file: cp.jsonl, interval: 60d } }\n", "audit.checkpoints.interval", "'60d' is too long: at most 1d" },
        { "\n    clock_skew: 301s\n", "issuers[0].clock_skew", "'301s' is too long: at most 5m" },
        { "\nproxy: { listen: http://127.0.0.1:8081, timeout: 25h }\n", "proxy.timeout", "'25h' is too long: at most 1d" },
        { "\nproxy: { listen: http://127.0.0.1:8081, connect_timeout: 30d }\n", "proxy.connect_timeout", "'30d' is too long: at most 5m" },
        { Console + "  session_max: 31d\n", "console.session_max", "'31d' is too long: at most 30d" },
    };

    [Theory]
    [MemberData(nameof(TooLong))]
    public void Parse_DurationBeyondItsBound_RefusedAtTheValue(string addition, string path, string message)
    {
        var problem = SingleProblem(Minimal + addition);

        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\nruns: { max_duration: 365d, token_lifetime: 1d }\n")]
    [InlineData("\nkeys: { rotate_every: 365d }\n")]
    [InlineData("\nidentity_cache: { max_age: 1h }\n")]
    [InlineData("\naudit: { checkpoints: { file: cp.jsonl, interval: 24h } }\n")]
    [InlineData("\n    clock_skew: 5m\n")]
    [InlineData("\nproxy: { listen: http://127.0.0.1:8081, timeout: 24h, connect_timeout: 5m }\n")]
    [InlineData(Console + "  session_max: 30d\n")]
    public void Parse_DurationAtItsBound_IsAccepted(string addition) =>
        Assert.NotNull(Parse(Minimal + addition));
}
