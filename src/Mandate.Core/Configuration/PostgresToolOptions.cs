namespace Mandate.Core.Configuration;

/// <summary>
/// The <c>postgres:</c> section of a <c>kind: postgres</c> tool: where Mandate administers roles (a secret,
/// so only by environment variable or file, never inline), what agents connect to, and which SQL each
/// scope grants. See docs/credential-kinds.md.
/// </summary>
public sealed record PostgresToolOptions
{
    /// <summary>The placeholder grant statements use for the generated role name (quoted as an identifier).</summary>
    public const string RolePlaceholder = "{role}";

    /// <summary>The admin connection string (Npgsql or libpq keyword form) from <c>admin_connection_env</c> or <c>admin_connection_file</c>.</summary>
    public required ConfiguredSecret AdminConnection { get; init; }

    /// <summary>Host agents connect to (goes into the connection URI they receive).</summary>
    public required string Host { get; init; }

    /// <summary>Port agents connect to. Default 5432.</summary>
    public int Port { get; init; } = 5432;

    /// <summary>Database agents connect to; the grants run in it.</summary>
    public required string Database { get; init; }

    /// <summary>Prefix of generated role names; the reaper only ever drops roles recorded in its leases. Default <c>mandate_</c>.</summary>
    public string RolePrefix { get; init; } = "mandate_";

    /// <summary>Per scope, the statements that grant it; <c>{role}</c> is the generated role.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Grants { get; init; }
}
