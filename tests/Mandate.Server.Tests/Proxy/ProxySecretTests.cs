using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Proxy;

/// <summary>The vaulted secret reaches the tool, and nothing else: not the agent, logs, audit, errors or the admin API.</summary>
public sealed class ProxySecretTests : ProxyTest
{
    [Fact]
    public async Task Proxy_AllowedCall_InjectsSecretInConfiguredHeaderAndDropsAgentCredential()
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_123?expand=customer", credential, configure: r =>
        {
            r.Headers.TryAddWithoutValidation("X-Api-Key", "agent-supplied-key");
            r.Headers.TryAddWithoutValidation("DPoP", "proof");
            r.Headers.TryAddWithoutValidation("X-Request-Id", "req-1");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Upstream.Received);
        Assert.Equal("/stripe-api/v1/charges/ch_123?expand=customer", seen.Target);
        Assert.Equal(Secret, seen.Headers["X-Api-Key"]);
        Assert.False(seen.Headers.ContainsKey("Authorization"));
        Assert.False(seen.Headers.ContainsKey("DPoP"));
        Assert.Equal("req-1", seen.Headers["X-Request-Id"]);
        Assert.DoesNotContain(credential, string.Join('\n', seen.Headers.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_SecretInjected_AsksUpstreamForAnUncompressedBodyItCanScrub()
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_123", credential, configure: r =>
            r.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("identity", Assert.Single(Upstream.Received).Headers["Accept-Encoding"]);
    }

    [Fact]
    public async Task Proxy_UpstreamEchoesSecret_AgentSeesItInNoHeaderAndNoBody()
    {
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/echo-secret", credential);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Secret, Assert.Single(Upstream.Received).Headers["X-Api-Key"]);
        var headers = response.Headers.ToString() + response.Content.Headers;
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Secret, headers, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.Contains("[redacted]", string.Join(';', response.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        Assert.Equal($"{{\"echo\":\"{new string('*', Secret.Length)}\",\"again\":\"{new string('*', Secret.Length)}\"}}", body);
        await AssertSecretNowhereAsync(headers, body);
    }

    [Fact]
    public async Task Invariant8_UpstreamEchoesSecretInAHeaderName_ThatHeaderIsNotRelayed()
    {
        // A vaulted key is token characters, so it can stand in a field name, where scrubbing values does not reach.
        var credential = await StripeCredentialAsync();

        var (status, text) = await RawAsync("/stripe/v1/charges/ch_1", credential, $"{UpstreamServer.AnswerStatus}: 200\r\n{UpstreamServer.AnswerField}-0: X-Echo-{UpstreamServer.Injected}: 1\r\n{UpstreamServer.AnswerField}-1: X-Kept: 2\r\n");

        Assert.Equal(200, status);
        Assert.Equal(Secret, Assert.Single(Upstream.Received).Headers["X-Api-Key"]);
        Assert.Contains("X-Kept: 2", text, StringComparison.Ordinal);
        await AssertSecretNowhereAsync(text);
    }

    [Fact]
    public async Task Proxy_AfterCallsAndRefusals_SecretIsInNoLogAuditRecordErrorOrAdminOutput()
    {
        var credential = await StripeCredentialAsync();
        using var ok = await CallAsync(HttpMethod.Get, "stripe/v1/echo-secret", credential);
        using var denied = await CallAsync(HttpMethod.Delete, "stripe/v1/charges/ch_1", credential);
        using var garbage = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", "not-a-token");
        var (_, traversal) = await RawAsync("/stripe/v1/../v1/charges/x", credential);

        var texts = new[] { await ok.Content.ReadAsStringAsync(), await denied.Content.ReadAsStringAsync(), await garbage.Content.ReadAsStringAsync(), traversal };
        await AssertSecretNowhereAsync(texts);
        Assert.Equal(4, (await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall)).Count);
        var set = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.Secret));
        Assert.Equal(("set", "stripe", "1"), (set.Outcome, set.Tool, set.Evidence["version"]));
    }

    [Fact]
    public async Task Vault_SecretAtRest_IsSealedAndBoundToItsTool()
    {
        await using var connection = await Broker.OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ciphertext FROM secrets WHERE tool = 'stripe';";
        var ciphertext = (byte[])(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain(Secret, Encoding.ASCII.GetString(ciphertext), StringComparison.Ordinal);

        // Moving the row to another tool must not make it usable there: the tool name is the associated data.
        await Broker.ExecuteSqlAsync("UPDATE secrets SET tool = 'other' WHERE tool = 'stripe'; INSERT INTO secrets SELECT 'stripe', version, nonce, tag, ciphertext, created_at, created_by FROM secrets WHERE tool = 'other';");
        Assert.Equal((null, -1), await Broker.App.App.Services.GetService<Mandate.Core.Secrets.SecretVault>()!.OpenAsync("other", CancellationToken.None));
    }

    [Fact]
    public async Task AdminSecrets_ListAndSet_AnswerMetadataOnly()
    {
        using var admin = Broker.Admin();

        var second = await admin.SetSecretAsync("stripe", Encoding.UTF8.GetBytes(Secret + "-rotated"));
        var list = await admin.ListSecretsAsync();

        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.DoesNotContain("rotated", second.GetRawText(), StringComparison.Ordinal);
        var entry = Assert.Single(list.EnumerateArray());
        Assert.Equal(["created_at", "created_by", "tool", "version"], entry.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AdminSecrets_ToolOfAnotherKind_IsRefusedAndNothingStored()
    {
        using var admin = Broker.Admin();

        var e = await Assert.ThrowsAsync<Mandate.Client.MandateErrorException>(() => admin.SetSecretAsync("ledger", Encoding.UTF8.GetBytes("x-secret-value")));

        Assert.Contains("only kind: secret tools", e.Message, StringComparison.Ordinal);
        Assert.Single((await admin.ListSecretsAsync()).EnumerateArray());
    }

    [Fact]
    public async Task AdminSecrets_ValueWithNewline_IsRefusedWithoutEcho()
    {
        using var admin = Broker.Admin();

        var e = await Assert.ThrowsAsync<Mandate.Client.MandateErrorException>(() => admin.SetSecretAsync("stripe", Encoding.UTF8.GetBytes("abc\r\nX-Injected: 1")));

        Assert.DoesNotContain("X-Injected", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single((await admin.ListSecretsAsync()).EnumerateArray()).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task AdminSecrets_TooShortValue_IsRefused()
    {
        using var admin = Broker.Admin();

        var e = await Assert.ThrowsAsync<Mandate.Client.MandateErrorException>(() => admin.SetSecretAsync("stripe", Encoding.UTF8.GetBytes("k")));

        Assert.Contains("shorter than 8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_SecretDeleted_NextCallRefused503NotForwarded()
    {
        var credential = await StripeCredentialAsync();
        using (var admin = Broker.Admin())
        {
            await admin.DeleteSecretAsync("stripe");
        }

        // The vault caches the sealed row briefly (for other nodes); this node's own delete bites at once.
        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential);

        Assert.Contains("mandate secrets set stripe", await ProblemAsync(response, HttpStatusCode.ServiceUnavailable), StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }
}
