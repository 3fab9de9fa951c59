using Mandate.SenderConstraint;
using Mandate.Server.Telemetry;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>
/// Text a caller chooses (a scope, a resource, a path) reaches spans and logs only capped, and never a metric
/// attribute, whose every value comes from a fixed set (one series per caller's value would be unbounded).
/// </summary>
public sealed class CallerTextInTelemetryTests : TelemetryTest
{
    // Unknown scopes are quoted in the refusal: this many make a description far over any cap.
    private static readonly string HugeScope = "refunds:write " + string.Join(' ', Enumerable.Range(0, 4000).Select(i => $"zz{i}"));

    [Fact]
    public async Task Exchange_RefusedForAHugeScope_NoSpanTagCarriesItUncapped_AndNoMetricAttributeAtAll()
    {
        using var agent = new TracedAgent();

        var reply = await agent.PostFormAsync(Broker, "oauth2/token", (Broker.RefundRequest() with { Scope = HugeScope }).ToForm());

        Assert.Equal("invalid_scope", reply.Error);
        var span = SpanOf(agent, MandateSpan.Exchange);
        Assert.Equal(reply.Member("check_id"), Tag(span, SpanAttributes.CheckId));
        foreach (var s in AllSpans().Where(s => s.TraceId == agent.TraceId))
        {
            foreach (var (name, value) in s.Tags)
            {
                Assert.True(value is null || value.Length <= OAuthErrorText.MaxLength, $"{s.DisplayName} {name} is {value?.Length} characters");
                Assert.DoesNotContain("zz3999", value ?? "", StringComparison.Ordinal);
            }
        }

        foreach (var (metric, point) in AllPoints())
        {
            foreach (var tag in point.Tags)
            {
                Assert.False(tag.Value?.ToString()?.Contains("zz1", StringComparison.Ordinal) ?? false, $"{metric} {tag.Key} carries the caller's scope");
            }
        }
    }

    [Fact]
    public async Task Exchange_RefusedForAHugeScope_TheRefusalLogLineIsCapped()
    {
        using var agent = new TracedAgent();

        var reply = await agent.PostFormAsync(Broker, "oauth2/token", (Broker.RefundRequest() with { Scope = HugeScope }).ToForm());

        Assert.Equal("invalid_scope", reply.Error);
        var line = Assert.Single(Eventually(() => Broker.Logs.Lines.Where(l => l.Contains("Refused invalid_scope at", StringComparison.Ordinal)).ToList()));
        // Description and detail, each at most the error-description cap, and the line's own words.
        Assert.True(line.Length <= 2 * OAuthErrorText.MaxLength + 200, $"the refusal log line is {line.Length} characters");
        Assert.DoesNotContain("zz3999", line, StringComparison.Ordinal);
    }
}
