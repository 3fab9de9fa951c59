using System.Globalization;
using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Exchange;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Mandate.Credentials.Postgres;

/// <summary>
/// Kind <c>postgres</c>: creates a role with a random password, <c>VALID UNTIL</c> the credential's expiry
/// and exactly the granted scopes' statements, records the lease with the issuance in one durable batch,
/// and hands the agent a connection URI. Store down: the role is dropped again and nothing is issued.
/// </summary>
public sealed partial class PostgresCredentialIssuer : ICredentialIssuer
{
    private readonly PostgresAdminConnections _connections;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly ILogger _logger;

    public PostgresCredentialIssuer(PostgresAdminConnections connections, IUnitOfWork trail, MandateOptions options, ILogger<PostgresCredentialIssuer> logger)
    {
        _connections = connections;
        _trail = trail;
        _options = options;
        _logger = logger;
    }

    public CredentialKind Kind => CredentialKind.Postgres;

    public async ValueTask IssueAsync(ExchangeContext context, CredentialClaims claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(claims);
        var tool = context.Tool!;
        var pg = tool.Postgres!;
        // The name comes from randomness only, never from the request, so it needs no escaping beyond quoting.
        var role = pg.RolePrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var password = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var grants = claims.Scopes.SelectMany(s => pg.Grants[s])
            .Select(g => g.Replace(PostgresToolOptions.RolePlaceholder, PostgresRoles.Quote(role), StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        NpgsqlDataSource admin;
        try
        {
            admin = _connections.For(tool);
            await PostgresRoles.CreateAsync(admin, role, password, claims.ExpiresAt, grants, cancellationToken);
        }
        catch (Exception e) when (e is PostgresAdminUnavailableException or NpgsqlException or TimeoutException)
        {
            var reason = Describe(e);
            LogCreateFailed(_logger, tool.Name, context.DecisionId, reason);
            context.Reject(OAuthError.TemporarilyUnavailable(
                $"the database of tool '{tool.Name}' could not create a login ({reason}), so no credential was issued; retry shortly, and if it persists an operator should check the tool's postgres settings"));
            return;
        }

        var lease = new DatabaseLease
        {
            Role = role,
            Tool = tool.Name,
            Jti = claims.Jti,
            Run = claims.Run,
            Tenant = claims.Tenant,
            Agent = claims.Agent,
            User = context.User?.Subject,
            IssuedAt = claims.IssuedAt,
            ExpiresAt = claims.ExpiresAt,
        };
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["pg_role"] = role,
            ["pg_host"] = pg.Host,
            ["pg_port"] = pg.Port.ToString(CultureInfo.InvariantCulture),
            ["pg_database"] = pg.Database,
            ["pg_valid_until"] = claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        try
        {
            // Invariant 2: the login leaves the broker only once the issuance and its lease are durable.
            var batch = IssuanceRecords.Batch(context, claims, _options, "postgres", null, evidence);
            await _trail.CommitAsync(batch.Append(lease), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The caller left: whether or not the batch still commits, the password exists nowhere else now.
            await UndoAsync(admin, tool.Name, role);
            throw;
        }
        catch (StoreUnavailableException)
        {
            await UndoAsync(admin, tool.Name, role);
            context.Reject(OAuthError.TemporarilyUnavailable($"the audit store could not record decision {context.DecisionId}, so no credential was issued; retry shortly"));
            return;
        }

        context.Response = new TokenExchangeResponse(
            ConnectionUri(pg, role, password),
            CredentialTokenTypes.PostgresCredentials,
            CredentialTokenTypes.NotApplicable,
            (int)(claims.ExpiresAt - claims.IssuedAt).TotalSeconds,
            claims.Scope);
    }

    /// <summary>A libpq connection URI; role and password hold only URL-safe characters.</summary>
    internal static string ConnectionUri(PostgresToolOptions pg, string role, string password)
    {
        var host = pg.Host.Contains(':', StringComparison.Ordinal) ? $"[{pg.Host}]" : pg.Host;
        return $"postgresql://{role}:{password}@{host}:{pg.Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(pg.Database)}";
    }

    /// <summary>A client-safe reason: the SQLSTATE or the failure's kind, never a statement or connection string.</summary>
    internal static string Describe(Exception e) => e switch
    {
        PostgresException p => $"SQLSTATE {p.SqlState}",
        PostgresAdminUnavailableException a => a.Message,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException s } => $"cannot reach the database: {s.SocketErrorCode}",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "the database did not answer in time",
        _ => "cannot reach the database",
    };

    private async Task UndoAsync(NpgsqlDataSource admin, string tool, string role)
    {
        try
        {
            await PostgresRoles.DropAsync(admin, role, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Nothing was handed out and the password exists nowhere else; VALID UNTIL still bounds the role.
            LogUndoFailed(_logger, tool, role, Describe(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "postgres tool {Tool}: could not create a login for decision {DecisionId}: {Reason}")]
    private static partial void LogCreateFailed(ILogger logger, string tool, string decisionId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "postgres tool {Tool}: the store refused the issuance and role {Role} could not be dropped again ({Reason}); it expires by VALID UNTIL")]
    private static partial void LogUndoFailed(ILogger logger, string tool, string role, string reason);
}
