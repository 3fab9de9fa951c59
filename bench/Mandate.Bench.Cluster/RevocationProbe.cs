using System.Diagnostics;

namespace Mandate.Bench.Cluster;

/// <summary>
/// Issues a credential on one node, checks a second node answers it active, revokes it on a third, then polls the
/// second node back to back until it answers inactive: the time from the acknowledged revocation to that answer is
/// how long the revocation took to reach the polled node (at the resolution of one introspection round trip).
/// </summary>
internal sealed class RevocationProbe
{
    private readonly ProbeOptions _options;
    private readonly BrokerCalls _calls;

    public RevocationProbe(ProbeOptions options, BrokerCalls calls)
    {
        _options = options;
        _calls = calls;
    }

    /// <summary>Credentials the polled node did not know as active before the revocation (key or issuance not visible there).</summary>
    public int InactiveBeforeRevocation { get; private set; }

    public async Task<PropagationSample> RunOnceAsync(int index, CancellationToken ct)
    {
        var token = await _calls.ExchangeAsync(ct);
        if (!await _calls.IsActiveAsync(token, ct))
        {
            // Not a propagation sample: the polled node never saw it active. Counted and reported.
            InactiveBeforeRevocation++;
        }

        var revokeStart = Stopwatch.GetTimestamp();
        await _calls.RevokeAsync(token, ct);
        var acknowledged = Stopwatch.GetTimestamp();
        var revokeMs = BrokerCalls.Since(revokeStart);
        var polls = 0;
        while (true)
        {
            var sent = BrokerCalls.Since(acknowledged);
            polls++;
            var active = await _calls.IsActiveAsync(token, ct);
            var answered = BrokerCalls.Since(acknowledged);
            if (!active)
            {
                return new PropagationSample(index, revokeMs, sent, answered, polls, true);
            }

            if (answered > _options.TimeoutMs)
            {
                return new PropagationSample(index, revokeMs, sent, answered, polls, false);
            }
        }
    }
}
