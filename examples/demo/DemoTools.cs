using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Cli.Commands;
using Mandate.Client;
using Mandate.Examples.Tools;
using Mandate.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Mandate.Examples.Demo;

/// <summary>
/// The refunds API and the CRM from examples/tools, running in-process on loopback and accepting Mandate credentials
/// through AddMandateToken: the demo's agents call them over real HTTP, and the tools show what they accept and refuse.
/// </summary>
internal sealed class DemoTools : IAsyncDisposable
{
    private readonly WebApplication _refunds;
    private readonly WebApplication _crm;

    private DemoTools(WebApplication refunds, WebApplication crm)
    {
        _refunds = refunds;
        _crm = crm;
    }

    public Uri Refunds => _refunds.Address();

    public Uri Crm => _crm.Address();

    public static async Task<DemoTools> StartAsync(DemoEnvironment env, Uri broker, CancellationToken ct)
    {
        WebApplication Build(ToolKind tool) => ToolService.Build(new ToolServiceOptions
        {
            Tool = tool,
            Issuer = env.Options.Issuer,
            BrokerAddress = broker,
            // Writes are confirmed at the broker, so revocation and run ends bite at once; reads trust signature and expiry.
            Introspection = new MandateIntrospectionOptions
            {
                Mode = IntrospectionMode.OnlyForWrites,
                WorkloadToken = _ => ValueTask.FromResult(env.Svid(tool.Workload)),
            },
        }, LogLevel.Warning);

        var refunds = Build(ToolKind.Refunds);
        var crm = Build(ToolKind.Crm);
        await refunds.StartAsync(ct);
        await crm.StartAsync(ct);
        return new DemoTools(refunds, crm);
    }

    /// <summary>An HttpClient for <paramref name="baseAddress"/> whose requests carry the run's credential for <paramref name="tool"/>.</summary>
    public static HttpClient Client(MandateRun run, string tool, IReadOnlyList<string> scopes, Uri baseAddress) =>
        new(new MandateCredentialHandler(run, tool, scopes) { InnerHandler = MandateHttpClient.Handler() }) { BaseAddress = baseAddress };

    /// <summary>Sends one call and prints what the tool answered; true when the status is <paramref name="expected"/>.</summary>
    public static async Task<bool> CallAsync(HttpClient http, HttpMethod method, string path, object? body, int expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        var colour = status == expected ? (status < 300 ? "green" : "red") : "red bold";
        var line = $"  {method} {http.BaseAddress!.Authority}{path} -> [{colour}]{status}[/]";
        if (status < 300)
        {
            line += " " + Markup.Escape(Accepted(text));
        }
        else if (TryRead(text, out var error, out var description))
        {
            line += $" [bold]{Markup.Escape(error)}[/]: {Markup.Escape(description)}";
        }

        Output.Line(line);
        return status == expected;
    }

    private static string Accepted(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("requestedBy", out var by))
        {
            return "accepted";
        }

        var chain = string.Join(" acting for ", by.GetProperty("chain").EnumerateArray().Select(e => e.GetString()));
        return $"refund {root.GetProperty("id").GetString()} created in tenant {by.GetProperty("tenant").GetString()} for {by.GetProperty("subject").GetString()} by {chain} (credential {by.GetProperty("credential").GetString()})";
    }

    private static bool TryRead(string json, out string error, out string description)
    {
        error = description = "";
        try
        {
            using var doc = JsonDocument.Parse(json);
            error = doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() ?? "" : "";
            description = doc.RootElement.TryGetProperty("error_description", out var d) ? d.GetString() ?? "" : "";
            return error.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _refunds.StopAsync();
        await _crm.StopAsync();
        await _refunds.DisposeAsync();
        await _crm.DisposeAsync();
    }
}
