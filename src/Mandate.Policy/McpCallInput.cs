namespace Mandate.Policy;

/// <summary>
/// Everything the policy may look at for one MCP <c>tools/call</c> at the gateway: the verified credential's caller
/// (agent, tenant, user, run, scopes), the MCP server (its Mandate tool name), the MCP tool and its arguments.
/// </summary>
public sealed record McpCallInput
{
    private static readonly IReadOnlyDictionary<string, object?> NoArguments = new Dictionary<string, object?>();

    /// <summary>The agent's SPIFFE ID, from the credential.</summary>
    public required string Agent { get; init; }

    /// <summary>The Mandate tool (mandate.yaml) that fronts the MCP server.</summary>
    public required string Server { get; init; }

    /// <summary>The MCP tool name, as in <c>params.name</c>.</summary>
    public required string Tool { get; init; }

    /// <summary>The call's arguments as expression values (ints, doubles, strings, bools, null, lists, maps).</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; init; } = NoArguments;

    /// <summary>The credential's tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>User when the credential acts for a user; Agent for background work.</summary>
    public required SubjectKind Subject { get; init; }

    /// <summary>The user (<c>issuer|subject</c> or subject) the credential acts for; null for background work.</summary>
    public string? User { get; init; }

    /// <summary>The credential's run.</summary>
    public required string RunId { get; init; }

    /// <summary>The credential's scopes.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The broker's environment.</summary>
    public required string Environment { get; init; }

    /// <summary>The instant of the call (one clock reading).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UnixEpoch;
}
