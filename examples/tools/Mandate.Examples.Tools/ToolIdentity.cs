using Mandate.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Examples.Tools;

/// <summary>
/// Where a standalone example tool gets its own workload identity, which it needs to ask the broker (RFC 7662)
/// whether each credential is still active: Mandate's workload endpoint (the kernel attests the tool process,
/// the JWT-SVID is renewed before it expires) or a JWT-SVID file someone else keeps fresh.
/// </summary>
public sealed class ToolIdentity
{
    /// <summary>The quickstart broker's workload socket (its <c>spiffe.workload_socket</c>), relative to the repository root.</summary>
    public const string QuickstartWorkloadSocket = ".mandate/quickstart/workload.sock";

    /// <summary>The quickstart broker's configuration, relative to the repository root: the broker behind <see cref="QuickstartWorkloadSocket"/>.</summary>
    public const string QuickstartConfig = "examples/quickstart/mandate.yaml";

    private ToolIdentity(IWorkloadIdentitySource source, string origin, string? socketPath, string? brokerConfig)
    {
        Source = source;
        Origin = origin;
        SocketPath = socketPath;
        BrokerConfig = brokerConfig;
    }

    /// <summary>The identity, asked for on every introspection (renewal is the source's job).</summary>
    public IWorkloadIdentitySource Source { get; }

    /// <summary>Where it comes from, for the start-up line.</summary>
    public string Origin { get; }

    /// <summary>The workload socket, when the identity comes from one.</summary>
    public string? SocketPath { get; }

    /// <summary>The broker's configuration file, named in the <c>mandate</c> commands a failure prints; null when not known.</summary>
    public string? BrokerConfig { get; }

    /// <summary>
    /// From Mandate's workload endpoint; <paramref name="issuer"/> is the audience (the broker's <c>issuer</c>).
    /// <paramref name="brokerConfig"/> is that broker's configuration file, named in the <c>mandate</c> commands a
    /// failure prints (null: they carry no <c>-c</c>, so the CLI's own default applies).
    /// </summary>
    public static ToolIdentity FromWorkloadSocket(string socketPath, string issuer, TimeProvider? time = null, string? brokerConfig = null)
    {
        var full = Path.GetFullPath(socketPath);
        return new(new WorkloadSocketIdentitySource(full, issuer, time), "Mandate's workload endpoint at " + full, full, brokerConfig);
    }

    /// <summary>From a JWT-SVID file, read again on every use (e.g. one a SPIRE agent rewrites).</summary>
    public static ToolIdentity FromFile(string path, string? brokerConfig = null)
    {
        var full = Path.GetFullPath(path);
        return new(WorkloadIdentity.FromFile(full), "the token file " + full, null, brokerConfig);
    }

    /// <summary>
    /// Obtains the identity once and returns the SPIFFE ID it names; throws <see cref="ToolStartupException"/> with what to
    /// do when there is none, or when it is not the workload the broker lists for <paramref name="tool"/>.
    /// </summary>
    public async Task<string> ObtainAsync(ToolKind tool, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tool);
        string token;
        try
        {
            token = await Source.GetTokenAsync(ct);
        }
        catch (WorkloadIdentityException e) when (e.Status == 403)
        {
            throw new ToolStartupException(
                $"Mandate's workload endpoint has no registration entry for this {tool.Name} process. Register it once, on the running broker:\n"
                + $"  mandate entries create{ConfigArgument(BrokerConfig)} --spiffe-id {tool.Workload} --selector unix:uid:{CurrentUid()} --selector unix:path:{ExecutablePath()}", e);
        }
        catch (WorkloadIdentityException e)
        {
            throw new ToolStartupException($"{e.Message}.\n{HowToGiveOne(tool, BrokerConfig)}", e);
        }
        catch (IOException e)
        {
            throw new ToolStartupException($"cannot read {Origin}: {e.Message}.\n{HowToGiveOne(tool, BrokerConfig)}", e);
        }

        var spiffeId = SpiffeIdOf(token);
        if (!string.Equals(spiffeId, tool.Workload, StringComparison.Ordinal))
        {
            throw new ToolStartupException(
                $"{Origin} names this process '{spiffeId ?? "(no sub)"}', but the broker lists {tool.Workload} as the {tool.Name} tool's workload "
                + "(tools[].workloads in mandate.yaml), so it would answer every introspection {\"active\":false}. "
                + $"Give this process the identity {tool.Workload}.");
        }

        return tool.Workload;
    }

    /// <summary>What a tool without an identity is told; <paramref name="brokerConfig"/> as in <see cref="FromWorkloadSocket"/>.</summary>
    public static string HowToGiveOne(ToolKind tool, string? brokerConfig = null)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return $"The {tool.Name} tool checks every credential at the broker (RFC 7662 introspection) and needs its own workload identity, {tool.Workload}, to do so. Give it one:\n"
            + $"  --workload-socket PATH      Mandate's workload endpoint (spiffe.enabled in mandate.yaml; the quickstart's is {QuickstartWorkloadSocket}),\n"
            + $"                              with a registration entry for this process: mandate entries create{ConfigArgument(brokerConfig)} --spiffe-id {tool.Workload} --selector unix:path:{ExecutablePath()} ...\n"
            + "  --workload-token-file PATH  a JWT-SVID for that SPIFFE ID addressed to the broker, kept fresh by whoever writes the file (e.g. a SPIRE agent)";
    }

    /// <summary><c> -c PATH</c> for a <c>mandate</c> command line (quoted when it has spaces), or nothing when the configuration is not known.</summary>
    private static string ConfigArgument(string? brokerConfig) =>
        brokerConfig is null ? "" : brokerConfig.Contains(' ', StringComparison.Ordinal) ? $" -c '{brokerConfig}'" : $" -c {brokerConfig}";

    /// <summary>The executable the kernel reports for this process (what a <c>unix:path</c> selector matches).</summary>
    public static string ExecutablePath()
    {
        try
        {
            return new FileInfo("/proc/self/exe").LinkTarget ?? Environment.ProcessPath ?? "<path of this executable>";
        }
        catch (IOException)
        {
            return Environment.ProcessPath ?? "<path of this executable>";
        }
    }

    /// <summary>This process's real uid from /proc/self/status (what a <c>unix:uid</c> selector matches).</summary>
    public static string CurrentUid()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return line?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "<your uid>";
        }
        catch (IOException)
        {
            return "<your uid>";
        }
    }

    private static string? SpiffeIdOf(string token)
    {
        try
        {
            return new JsonWebToken(token).Subject;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
