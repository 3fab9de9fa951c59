using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Spiffe;

/// <summary>Creates, lists and deletes registration entries; every change is audited in the same commit.</summary>
public sealed class RegistrationEntryService
{
    private const int MaxSelectors = 16;
    private readonly IMandateStore _store;
    private readonly IUnitOfWork _audit;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public RegistrationEntryService(IMandateStore store, IUnitOfWork audit, MandateOptions options, TimeProvider time)
    {
        _store = store;
        _audit = audit;
        _options = options;
        _time = time;
    }

    public Task<IReadOnlyList<RegistrationEntry>> ListAsync(CancellationToken cancellationToken) => _store.ListRegistrationEntriesAsync(cancellationToken);

    /// <summary>Validates and stores a new entry; returns the problems (and stores nothing) when the request is invalid.</summary>
    public async Task<(RegistrationEntry? Entry, IReadOnlyList<string> Problems)> CreateAsync(
        string? spiffeId, IReadOnlyList<string>? selectors, TimeSpan? x509Ttl, TimeSpan? jwtTtl, string createdBy, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!SpiffeId.TryGetWorkloadTrustDomain(spiffeId, out var td))
        {
            problems.Add($"spiffe_id '{spiffeId}' is not a workload SPIFFE ID; write spiffe://{_options.TrustDomain}/<path>");
        }
        else if (td != _options.TrustDomain)
        {
            problems.Add($"spiffe_id '{spiffeId}' is outside Mandate's trust domain '{_options.TrustDomain}'; Mandate only issues SVIDs for its own trust domain");
        }

        var canonical = new List<string>();
        if (selectors is not { Count: > 0 } || selectors.Count > MaxSelectors)
        {
            problems.Add($"give 1 to {MaxSelectors} selectors; {Selector.Help}");
        }
        else
        {
            foreach (var text in selectors)
            {
                if (Selector.TryParse(text, out var selector, out var error))
                {
                    canonical.Add(selector!.ToString());
                    if (LinkProblem(selector) is { } link)
                    {
                        problems.Add(link);
                    }
                }
                else
                {
                    problems.Add(error!);
                }
            }
        }

        if (x509Ttl is { } x && (x <= TimeSpan.Zero || x > SpiffeOptions.MaxX509SvidTtl))
        {
            problems.Add("x509_ttl must be more than 0 and at most 24h");
        }

        if (jwtTtl is { } j && (j <= TimeSpan.Zero || j > SpiffeOptions.MaxJwtSvidTtl))
        {
            problems.Add("jwt_ttl must be more than 0 and at most 1h");
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var now = _time.GetUtcNow();
        var entry = new RegistrationEntry
        {
            Id = "ent_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            SpiffeId = spiffeId!,
            Selectors = canonical.Distinct(StringComparer.Ordinal).ToList(),
            X509Ttl = x509Ttl,
            JwtTtl = jwtTtl,
            CreatedAt = now,
            CreatedBy = createdBy,
        };
        await _audit.CommitAsync(new StoreBatch(entry, Event(entry, "created", createdBy, null, now)), cancellationToken);
        return (entry, []);
    }

    /// <summary>Deletes the entry; returns it, or null when there is no such entry (then nothing is written).</summary>
    public async Task<RegistrationEntry?> DeleteAsync(string id, string deletedBy, string? reason, CancellationToken cancellationToken)
    {
        var entry = (await _store.ListRegistrationEntriesAsync(cancellationToken)).FirstOrDefault(e => e.Id == id);
        if (entry is null)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        await _audit.CommitAsync(new StoreBatch(new RegistrationEntryDeletion(id), Event(entry, "deleted", deletedBy, reason, now)), cancellationToken);
        return entry;
    }

    // Processes are matched by the kernel's resolved path of their executable. The workload socket serves this host's
    // processes, so a path that resolves elsewhere here names a link and the entry would never match.
    private static string? LinkProblem(Selector selector)
    {
        if (selector.Type != "path" || !OperatingSystem.IsLinux() || ResolvedPath.Of(selector.Value) is not { } resolved
            || string.Equals(resolved, selector.Value, StringComparison.Ordinal))
        {
            return null;
        }

        return $"{selector} would never match: '{selector.Value}' is a symbolic link (or lies under one) to '{resolved}', and processes are matched by their executable's resolved path; write unix:path:{resolved}";
    }

    private AuditEvent Event(RegistrationEntry entry, string outcome, string by, string? reason, DateTimeOffset now) => new()
    {
        Kind = SpiffeAuditKinds.RegistrationEntry,
        Time = now,
        Outcome = outcome,
        Agent = entry.SpiffeId,
        Reason = reason,
        Node = _options.Node,
        Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["entry"] = entry.Id,
            // A JSON array: a path may hold spaces, so a joined list would be ambiguous.
            ["selectors"] = JsonSerializer.Serialize(entry.Selectors),
            ["by"] = by,
        },
    };
}
