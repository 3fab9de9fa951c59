using System.Diagnostics;
using System.Security.Cryptography;
using Mandate.Core.Revocation;
using Mandate.SenderConstraint;
using Mandate.Server.Endpoints;
using Mandate.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Hosting;

/// <summary>What one node does that every other node must follow at once: the kill switch and its lift, a used DPoP proof.</summary>
public sealed class PostgresNodeFollowTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private const string Agent = "spiffe://acme.example/agents/support";
    private readonly string _kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [PostgresFact]
    public async Task KillSwitch_DisabledOnOneNodeLiftedOnTheOther_EveryNodeFollowsBoth()
    {
        var schema = PostgresNode.NewSchema();
        try
        {
            await using var a = await PostgresNode.StartAsync("node-a", schema, _kek);
            await using var b = await PostgresNode.StartAsync("node-b", schema, _kek);

            await Services(a).GetRequiredService<RevocationService>().RevokeAsync(RevocationTarget.Agent, Agent, "admin", "test", null, CancellationToken.None);
            Assert.True(await EventuallyAsync(() => b.Runtime.Revocations.DisabledBy(Agent) is not null), "node-b never saw the kill switch");

            var lifted = await Services(b).GetRequiredService<RevocationService>().EnableAgentAsync(Agent, "admin", "test", CancellationToken.None);
            Assert.NotNull(lifted);
            Assert.True(await EventuallyAsync(() => a.Runtime.Revocations.DisabledBy(Agent) is null), "node-a never saw the lift");
        }
        finally
        {
            await PostgresNode.DropSchemaAsync(schema);
        }
    }

    [PostgresFact]
    public async Task DpopProof_AcceptedOnOneNode_RefusedAsReplayOnTheOther()
    {
        var schema = PostgresNode.NewSchema();
        try
        {
            await using var a = await PostgresNode.StartAsync("node-a", schema, _kek);
            await using var b = await PostgresNode.StartAsync("node-b", schema, _kek);
            using var client = new DpopProofs();
            var tokenEndpoint = new Uri(a.Options.Issuer.TrimEnd('/') + TokenEndpoint.Path);
            var proof = client.Create("POST", tokenEndpoint.ToString(), DateTimeOffset.UtcNow);

            var first = await Services(a).GetRequiredService<DpopProofValidator>().ValidateAsync(new DpopProofRequest(proof, "POST", tokenEndpoint));
            var replayed = await Services(b).GetRequiredService<DpopProofValidator>().ValidateAsync(new DpopProofRequest(proof, "POST", tokenEndpoint));

            Assert.True(first.IsValid, first.FailureReason);
            Assert.Equal(BindingChecks.DpopProofReplayed, replayed.CheckId);
        }
        finally
        {
            await PostgresNode.DropSchemaAsync(schema);
        }
    }

    [PostgresFact]
    public async Task DpopNonce_HandedOutByOneNode_AcceptedByTheOther()
    {
        var schema = PostgresNode.NewSchema();
        try
        {
            await using var a = await PostgresNode.StartAsync("node-a", schema, _kek);
            await using var b = await PostgresNode.StartAsync("node-b", schema, _kek);

            Assert.True(Services(b).GetRequiredService<DpopNonces>().IsAcceptable(Services(a).GetRequiredService<DpopNonces>().Current()));
        }
        finally
        {
            await PostgresNode.DropSchemaAsync(schema);
        }
    }

    private static IServiceProvider Services(PostgresNode node) => node.App.App.Services;

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }
}
