using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Revocation;
using Mandate.Server.Endpoints;
using Mandate.Server.Hosting;
using Mandate.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Hosting;

/// <summary>Nodes on one PostgreSQL store: start-up, revocations and keys followed across nodes, and the refusals before any of it.</summary>
public sealed class PostgresNodeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly string _kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [PostgresFact]
    public async Task Revoke_OnOneNode_FoundByTheOtherNodesListWithinASecond()
    {
        var schema = PostgresNode.NewSchema();
        try
        {
            await using var a = await PostgresNode.StartAsync("node-a", schema, _kek);
            await using var b = await PostgresNode.StartAsync("node-b", schema, _kek);
            var facts = new CredentialFacts("at_" + Guid.NewGuid().ToString("N"), "spiffe://acme.example/agents/support", "acme", "run_1", null, DateTimeOffset.UtcNow);
            Assert.Null(b.Runtime.Revocations.Find(facts));

            var clock = Stopwatch.StartNew();
            await a.App.App.Services.GetRequiredService<RevocationService>()
                .RevokeAsync(RevocationTarget.Token, facts.Jti, "admin", "test", DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);
            while (b.Runtime.Revocations.Find(facts) is null && clock.Elapsed < Patience)
            {
                await Task.Delay(5);
            }

            Assert.NotNull(b.Runtime.Revocations.Find(facts));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"node-b saw the revocation after {clock.Elapsed}");
        }
        finally
        {
            await PostgresNode.DropSchemaAsync(schema);
        }
    }

    [PostgresFact]
    public async Task Jwks_TwoNodes_EachPublishesBothNodesSigningKeys()
    {
        var schema = PostgresNode.NewSchema();
        try
        {
            await using var a = await PostgresNode.StartAsync("node-a", schema, _kek);
            await using var b = await PostgresNode.StartAsync("node-b", schema, _kek);
            var kids = new[] { a.Runtime.Keys.Current.Active.Kid, b.Runtime.Keys.Current.Active.Kid };
            Assert.NotEqual(kids[0], kids[1]);

            // node-a started first: it learns node-b's key from the change feed, not from a restart.
            var clock = Stopwatch.StartNew();
            IReadOnlyList<string> published;
            do
            {
                published = await PublishedKidsAsync(a);
            }
            while (!kids.All(published.Contains) && clock.Elapsed < Patience && await Delay());

            Assert.Superset(kids.ToHashSet(), published.ToHashSet());
            Assert.Superset(kids.ToHashSet(), (await PublishedKidsAsync(b)).ToHashSet());
        }
        finally
        {
            await PostgresNode.DropSchemaAsync(schema);
        }
    }

    [PostgresFact]
    public async Task Start_OnPostgres_FeedCurrentStoreDescribedWithoutPassword()
    {
        var schema = PostgresNode.NewSchema();
        try
        {
            await using var a = await PostgresNode.StartAsync("node-a", schema, _kek);

            Assert.True(a.Runtime.ChangeFeed.IsCurrent);
            Assert.StartsWith("postgres:", a.Runtime.Store.Description, StringComparison.Ordinal);
            Assert.Contains(schema, a.Runtime.Store.Description, StringComparison.Ordinal);
            var password = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgresServer.ConnectionString).Password;
            if (!string.IsNullOrEmpty(password))
            {
                Assert.DoesNotContain(password, a.Runtime.Store.Description, StringComparison.Ordinal);
                Assert.DoesNotContain(password, a.Logs.Text, StringComparison.Ordinal);
            }
        }
        finally
        {
            await PostgresNode.DropSchemaAsync(schema);
        }
    }

    [PostgresFact]
    public async Task Start_OnPostgresWithoutKeyEncryptionKey_RefusedAndNoKeyGenerated()
    {
        var schema = PostgresNode.NewSchema();
        var directory = Directory.CreateTempSubdirectory("mdn-").FullName;
        try
        {
            var options = await PostgresNode.WriteConfigurationAsync(directory, PostgresNode.Configuration("node-a", schema));

            var e = await Assert.ThrowsAsync<MandateConfigException>(() =>
                MandateServer.CreateAsync(options, PostgresNode.HostOptions(PostgresNode.Environment(kek: null), new CapturedLogs())));

            Assert.Contains("MANDATE_KEK", e.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(directory, "kek")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            await PostgresNode.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Start_ConnectionStringVariableUnset_RefusedNamingTheVariable()
    {
        var directory = Directory.CreateTempSubdirectory("mdn-").FullName;
        try
        {
            var options = await PostgresNode.WriteConfigurationAsync(directory, PostgresNode.Configuration("node-a", "mandate"));
            Func<string, string?> environment = name => name == "MANDATE_KEK" ? _kek : null;

            var e = await Assert.ThrowsAsync<MandateConfigException>(() =>
                MandateServer.CreateAsync(options, PostgresNode.HostOptions(environment, new CapturedLogs())));

            Assert.Contains(PostgresNode.ConnectionVariable, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<IReadOnlyList<string>> PublishedKidsAsync(PostgresNode node)
    {
        using var document = JsonDocument.Parse(await node.Http.GetStringAsync(MetadataEndpoints.JwksPath));
        return [.. document.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(20);
        return true;
    }
}
