using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 6 for an approval that waits longer than a run lasts (<c>approval_expires_in</c> over <c>runs.max_duration</c>):
/// a revocation made while it waits must still cover it when a human approves it hours later.
/// </summary>
[Trait("Invariant", "6")]
public sealed class ApprovalLongWaitRevocationTests : ApprovalTest
{
    protected override string Policy => ApprovalPolicy.Replace("approval_expires_in: 10m", "approval_expires_in: 24h", StringComparison.Ordinal);

    [Theory]
    [InlineData("run")]
    [InlineData("agent")]
    public async Task Invariant6_ApprovalAskedThenRevoked_ApprovedAfterTheLongestRunAndAPurge_IsNotCollected(string target)
    {
        var id = await AskAsync(Broker.RefundRequest() with { Run = "run_plain_7" });
        await RevokeAsync(target, target == "run" ? "run_plain_7" : SupportAgent);
        if (target == "agent")
        {
            using var admin = Broker.Admin();
            await admin.EnableAgentAsync(SupportAgent, "incident closed");
        }

        Broker.Clock.Advance(Broker.Options.Runs.MaxDuration + TimeSpan.FromHours(1));
        Broker.Runtime.Revocations.Purge(Broker.Now);
        try
        {
            await ApproveAsync(id);
        }
        catch (Mandate.Client.MandateErrorException e) when (e.Status == 409)
        {
            // Refused as withdrawn: what the invariant asks.
        }

        var reply = await PollAsync(id);

        Assert.True(reply.Status != System.Net.HttpStatusCode.OK, reply.ToString());
        Assert.Empty(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Issuance));
    }
}
