using System.Net;
using System.Text.Json;

namespace Mandate.Cli.Tests.Durability;

/// <summary>One RFC 8693 exchange for <c>crm:read</c> as the quickstart shows it, with the tokens <c>mandate dev token</c> signs.</summary>
internal sealed class ExchangeClient(string agentToken, string userToken)
{
    public static async Task<ExchangeClient> CreateAsync(string config)
    {
        var agent = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", DurabilityConfig.Agent);
        var user = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "idp", "--sub", "alice", "--tenant", "acme");
        Assert.Equal(0, agent.ExitCode);
        Assert.Equal(0, user.ExitCode);
        return new ExchangeClient(agent.Output.Trim(), user.Output.Trim());
    }

    /// <summary>The status and, for a 200, the credential's jti.</summary>
    public async Task<(HttpStatusCode Status, string? Jti, string Body)> ExchangeAsync(HttpClient http, Uri broker, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = userToken,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["actor_token"] = agentToken,
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["resource"] = "https://crm.acme.example",
            ["scope"] = "crm:read",
        });
        using var response = await http.PostAsync(new Uri(broker, "/oauth2/token"), form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.StatusCode == HttpStatusCode.OK ? (response.StatusCode, JtiOf(body), body) : (response.StatusCode, null, body);
    }

    private static string JtiOf(string body)
    {
        var token = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
        var payload = System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]);
        return JsonDocument.Parse(payload).RootElement.GetProperty("jti").GetString()!;
    }
}
