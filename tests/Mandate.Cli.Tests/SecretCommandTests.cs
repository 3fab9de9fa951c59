using Mandate.Core.Configuration;
using Mandate.Server.Hosting;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate secrets</c> against a real broker: values come from stdin or the environment, and are never printed.</summary>
public sealed class SecretCommandTests : IAsyncLifetime, IDisposable
{
    private const string Value = "sk_test_4f9c2a7be1d04c55a3e8";
    private readonly TempFolder _dir = new();
    private string _config = "";
    private MandateApp? _broker;

    public async Task InitializeAsync()
    {
        _dir.Write("policy.yaml", "rules: []\n");
        _config = _dir.Write("mandate.yaml", """
            trust_domain: acme.example
            data_dir: data
            policy: policy.yaml
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: data/workloads.jwks.json, dev_signer: true }
            tools:
              - { name: stripe, kind: secret, resource: https://stripe.acme.example, scopes: [charges:read], upstream: https://api.stripe.example }
              - { name: crm, resource: https://crm.acme.example, scopes: [crm:read] }
            agents:
              - { id: spiffe://acme.example/agents/a, tenants: [acme], tools: [crm, stripe] }
            """);
        _broker = await TestBroker.StartAsync(_config);
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SecretsSet_ReadsStdin_AndListNeverPrintsTheValue()
    {
        var (setExit, setOutput) = await WithStdinAsync(Value + "\n", () => CliRunner.RunAsync("secrets", "set", "stripe", "-c", _config));
        var (listExit, listOutput) = await CliRunner.RunAsync("secrets", "list", "-c", _config);
        var (jsonExit, jsonOutput) = await CliRunner.RunAsync("secrets", "list", "--json", "-c", _config);

        Assert.Equal((0, 0, 0), (setExit, listExit, jsonExit));
        Assert.Contains("version 1", setOutput, StringComparison.Ordinal);
        Assert.Contains("stripe", listOutput, StringComparison.Ordinal);
        Assert.Contains("\"version\":1", jsonOutput, StringComparison.Ordinal);
        foreach (var output in new[] { setOutput, listOutput, jsonOutput })
        {
            Assert.DoesNotContain(Value, output, StringComparison.Ordinal);
        }

        var stored = await _broker!.Runtime.Store.GetSecretAsync("stripe", CancellationToken.None);
        Assert.Equal(Value.Length, stored!.Ciphertext.Length);
    }

    [Fact]
    public async Task SecretsSet_FromEnv_StoresWithoutArgv()
    {
        var variable = "MANDATE_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..6];
        Environment.SetEnvironmentVariable(variable, Value);
        try
        {
            var (exit, output) = await CliRunner.RunAsync("secrets", "set", "stripe", "--from-env", variable, "-c", _config);

            Assert.Equal(0, exit);
            Assert.DoesNotContain(Value, output, StringComparison.Ordinal);
            Assert.NotNull(await _broker!.Runtime.Store.GetSecretAsync("stripe", CancellationToken.None));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task SecretsSet_ValueOnCommandLine_IsRejectedAndNothingStored()
    {
        var (exit, _) = await WithStdinAsync("", () => CliRunner.RunAsync("secrets", "set", "stripe", Value, "-c", _config));

        Assert.NotEqual(0, exit);
        Assert.Null(await _broker!.Runtime.Store.GetSecretAsync("stripe", CancellationToken.None));
    }

    [Fact]
    public async Task SecretsSet_EmptyStdin_ExitsTwoAndStoresNothing()
    {
        var (exit, output) = await WithStdinAsync("", () => CliRunner.RunAsync("secrets", "set", "stripe", "-c", _config));

        Assert.Equal(2, exit);
        Assert.Contains("no secret on stdin", output, StringComparison.Ordinal);
        Assert.Null(await _broker!.Runtime.Store.GetSecretAsync("stripe", CancellationToken.None));
    }

    [Fact]
    public async Task SecretsSet_ToolOfAnotherKind_ExitsOneAndNamesTheKind()
    {
        var (exit, output) = await WithStdinAsync(Value, () => CliRunner.RunAsync("secrets", "set", "crm", "-c", _config));

        Assert.Equal(1, exit);
        Assert.Contains("only kind: secret tools", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsDelete_Existing_RemovesIt()
    {
        await WithStdinAsync(Value, () => CliRunner.RunAsync("secrets", "set", "stripe", "-c", _config));

        var (exit, output) = await CliRunner.RunAsync("secrets", "delete", "stripe", "-c", _config);

        Assert.Equal(0, exit);
        Assert.Contains("deleted", output, StringComparison.Ordinal);
        Assert.Null(await _broker!.Runtime.Store.GetSecretAsync("stripe", CancellationToken.None));
    }

    private static async Task<T> WithStdinAsync<T>(string input, Func<Task<T>> action)
    {
        var original = Console.In;
        Console.SetIn(new StringReader(input));
        try
        {
            return await action();
        }
        finally
        {
            Console.SetIn(original);
        }
    }
}
