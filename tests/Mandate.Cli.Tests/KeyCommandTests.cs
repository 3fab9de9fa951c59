using Mandate.Core.Audit;
using Mandate.Core.Keys;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate keys rotate|list</c> against a real broker over its admin socket.</summary>
public sealed class KeyCommandTests
{
    [Fact]
    public async Task KeysRotate_UnknownPurpose_ExitsTwoNamingTheValidPurposes()
    {
        var (exit, output) = await CliRunner.RunAsync("keys", "rotate", "--purpose", "token-signer", "--yes");

        Assert.Equal(2, exit);
        Assert.Contains("token-signing, token-signing-rs256, federation-signing, audit-checkpoint, spiffe-ca, spiffe-jwt", output, StringComparison.Ordinal);
        Assert.Contains("run 'mandate keys rotate --help' for usage and options", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotate_CompromisedWithoutYes_ExitsTwoAndChangesNothing()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);
        var before = await KidsAsync(app);

        var (exit, output) = await CliRunner.RunAsync("keys", "rotate", "-c", config, "--compromised", "--reason", "leak");

        Assert.Equal(2, exit);
        Assert.Contains("Add --yes to confirm", output, StringComparison.Ordinal);
        Assert.Equal(before, await KidsAsync(app));
    }

    [Fact]
    public async Task KeysRotate_BrokerNotRunning_ExitsThreeWithTheAdminSocketMessage()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("keys", "rotate", "-c", config);

        Assert.Equal(3, exit);
        Assert.Contains("no admin socket at", output, StringComparison.Ordinal);
        Assert.Contains("Nothing was done", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotate_Routine_PublishesTheNextKey_AndASecondRunSaysSoAndDoesNothing()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);

        var (exit, output) = await CliRunner.RunAsync("keys", "rotate", "-c", config, "--reason", "drill");
        var (againExit, again) = await CliRunner.RunAsync("keys", "rotate", "-c", config, "--reason", "drill");
        var (_, list) = await CliRunner.RunAsync("keys", "list", "-c", config);

        Assert.True(exit == 0, output);
        Assert.Contains("published the next token-signing key", output, StringComparison.Ordinal);
        Assert.True(againExit == 0, again);
        Assert.Contains("is already published", again, StringComparison.Ordinal);
        Assert.Equal(2, (await KidsAsync(app)).Count);
        Assert.Contains("active", list, StringComparison.Ordinal);
        Assert.Contains("next", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotate_CompromisedWithYes_NewKeySignsOldDistrustedAndAudited()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);
        var old = Assert.Single(await KidsAsync(app));

        var (exit, output) = await CliRunner.RunAsync("keys", "rotate", "-c", config, "--compromised", "--reason", "crash dump", "--yes");

        Assert.True(exit == 0, output);
        Assert.Contains("signs from now", output, StringComparison.Ordinal);
        Assert.Contains($"distrusted 1 key(s): {old}", output, StringComparison.Ordinal);
        Assert.Contains("no credential or run token signed by the distrusted keys is still live", output, StringComparison.Ordinal);
        Assert.NotEqual(old, app.Runtime.Keys.Current.Active.Kid);
        Assert.DoesNotContain(old, app.Runtime.Keys.Current.ByKid.Keys);
        var record = (await RotationsAsync(app))[^1];
        Assert.Equal(("true", "crash dump"), (record.Evidence["compromised"], record.Reason));
        Assert.StartsWith("admin:", record.Evidence["by"], StringComparison.Ordinal);
    }

    private static async Task<List<string>> KidsAsync(Mandate.Server.Hosting.MandateApp app) =>
        [.. (await app.Runtime.Store.ListKeysAsync(KeyPurposes.TokenSigning, CancellationToken.None)).Where(k => k.RetiredAt is null).Select(k => k.Kid)];

    private static async Task<List<AuditEvent>> RotationsAsync(Mandate.Server.Hosting.MandateApp app)
    {
        var events = new List<AuditEvent>();
        await foreach (var record in app.Runtime.Store.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.KeyRotation }, CancellationToken.None))
        {
            events.Add(record.Event);
        }

        return events;
    }
}
