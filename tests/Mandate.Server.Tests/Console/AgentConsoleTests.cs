using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Console;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Console;

/// <summary>The kill switch in the console: disable (its next exchange is refused), enable; admins only.</summary>
public sealed class AgentConsoleTests : ConsoleTest
{
    [Fact]
    public async Task An_admin_disables_an_agent_and_its_next_exchange_is_refused_then_enables_it()
    {
        await Broker.IssueAsync(Broker.RefundRequest());
        var admin = await SignInAsync(Admin);
        var slug = AgentPages.Slug(SupportAgent);
        var agents = await admin.GetAsync("/agents");
        Assert.True(agents.HasElement($"disable-{slug}"), agents.ToString());

        var disabled = await admin.ConfirmAsync($"/agents/disable?agent={Uri.EscapeDataString(SupportAgent)}", "incident 42");
        Assert.True(disabled.Status == HttpStatusCode.OK, disabled.ToString());
        var refused = await Broker.ExchangeAsync(Broker.RefundRequest());
        Assert.Equal("invalid_request", refused.Error);
        Assert.Contains("disabled", refused.Description, StringComparison.Ordinal);
        var revocation = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        Assert.Equal($"console:Adam Admin ({Idp.Issuer} admin-1)", revocation.Evidence["revoked_by"]);
        Assert.Equal("incident 42", revocation.Reason);

        agents = await admin.GetAsync("/agents");
        Assert.True(agents.HasElement($"enable-{slug}"), agents.ToString());
        Assert.Equal(HttpStatusCode.OK, (await admin.ConfirmAsync($"/agents/enable?agent={Uri.EscapeDataString(SupportAgent)}")).Status);
        await Broker.IssueAsync(Broker.RefundRequest());
    }

    [Fact]
    public async Task Approvers_and_viewers_see_agents_but_cannot_disable_them()
    {
        foreach (var user in new[] { Viewer, Approver })
        {
            var browser = await SignInAsync(user);
            var agents = await browser.GetAsync("/agents");
            Assert.Equal(HttpStatusCode.OK, agents.Status);
            Assert.Contains(SupportAgent, agents.Html, StringComparison.Ordinal);
            Assert.False(agents.HasElement($"disable-{AgentPages.Slug(SupportAgent)}"));
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync($"/agents/disable?agent={Uri.EscapeDataString(SupportAgent)}")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync("/agents/disable", agents.Token(), ("agent", SupportAgent))).Status);
        }

        Assert.Null(Broker.Runtime.Revocations.DisabledBy(SupportAgent));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
    }

    [Fact]
    public async Task Unknown_agents_and_changes_to_the_state_it_is_in_are_refused()
    {
        var admin = await OneTimeAdminAsync();
        var token = (await admin.GetAsync("/agents")).Token();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/agents/disable", token, ("agent", "spiffe://acme.example/agents/nobody"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/agents/disable", token)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/agents/enable", token, ("agent", SupportAgent))).Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
    }
}
