using System.Text.RegularExpressions;
using Mandate.Core.Attestation;
using Mandate.Core.AuthorizationDetails;
using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;

namespace Mandate.Core.Resolution;

/// <summary>
/// The Resolve stage: what a request names, checked against the registry and the presented run. The tool and
/// its scopes (R12: only tools the agent declared), authorization_details and evidence_subject, the tenant and
/// run (<see cref="ResolveStage"/> placement), and for run tokens the envelope.
/// </summary>
public sealed partial class ResolveStage
{
    private readonly Registry _registry;
    private readonly IMandateStore _store;
    private readonly RevocationList _revocations;

    public ResolveStage(Registry registry, IMandateStore store, RevocationList revocations)
    {
        _registry = registry;
        _store = store;
        _revocations = revocations;
    }

    /// <summary>The tool named by resource/audience and the requested scopes.</summary>
    public Result<ResolvedTool> Tool(TokenRequest request, AttestedActor actor, AttestedSubject subject)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(subject);
        var tool = _registry.FindTool(request.Target ?? "");
        if (tool is null)
        {
            // RFC 8693 §2.2.2: a target the server cannot issue for is invalid_target.
            return ResolveChecks.ToolUnknown.Refuse("no tool is registered with that resource or audience; see the tools section of the broker configuration");
        }

        var agent = actor.Agent;
        if (!agent.Tools.Contains(tool.Name, StringComparer.Ordinal))
        {
            return ResolveChecks.ToolUndeclared.Refuse($"tool '{tool.Name}' is not in the declared tools of agent '{agent.Id}'; declare it under agents[].tools if the agent should use it");
        }

        if (subject.Run is { } presented && !presented.Run.Envelope.Tools.Contains(tool.Name, StringComparer.Ordinal))
        {
            return ResolveChecks.ToolOutsideRun.Refuse($"tool '{tool.Name}' is outside the envelope of run '{presented.Run.Id}' (it may use {string.Join(", ", presented.Run.Envelope.Tools)}); start a run that includes it");
        }

        var requested = (request.Scope ?? "").Split(' ').Distinct(StringComparer.Ordinal).ToList();
        var unknown = requested.Where(s => !tool.Scopes.Contains(s, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            return ResolveChecks.ScopeUnknown.Refuse($"tool '{tool.Name}' does not define scope(s) {string.Join(", ", unknown.Select(s => $"'{s}'"))}; it defines {string.Join(", ", tool.Scopes)}");
        }

        if (subject.Run is { } inside && !inside.Run.Envelope.Allows(tool.Name, requested))
        {
            // Attenuation: nothing issued inside a run exceeds what the run was granted.
            var envelope = inside.Run.Envelope.ScopesOf(tool.Name);
            return ResolveChecks.ScopeOutsideRun.Refuse($"scope(s) {string.Join(", ", requested.Where(s => !envelope.Contains(s)).Select(s => $"'{s}'"))} exceed the envelope of run '{inside.Run.Id}' for tool '{tool.Name}' ({string.Join(", ", envelope)})");
        }

        return new ResolvedTool(tool, requested);
    }

    /// <summary>
    /// Validates <c>authorization_details</c> (RFC 9396) against <paramref name="tool"/>'s declared types (null for a
    /// run-token request, which cannot carry them) and the <c>evidence_subject</c>; both become policy input.
    /// </summary>
    public static Result<RequestDetails> Details(TokenRequest request, ToolOptions? tool)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<object?> details = [];
        if (request.AuthorizationDetails is { } json)
        {
            if (tool is null)
            {
                return ResolveChecks.DetailsInRunRequest.Refuse("authorization_details apply to a credential for one tool; a run-token request cannot carry them");
            }

            var (parsed, error) = AuthorizationDetailsParser.Parse(json, tool);
            if (error is not null || parsed is null)
            {
                // RFC 9396 §5: unknown types or malformed objects are invalid_authorization_details.
                return ResolveChecks.DetailsInvalid.Refuse(error ?? "authorization_details are not valid");
            }

            details = parsed;
        }

        if (request.EvidenceSubject is { } subject && !SubjectPattern().IsMatch(subject))
        {
            return ResolveChecks.EvidenceSubject.Refuse("evidence_subject must be 1-256 printable characters without spaces, e.g. acme/shop@4f2a9c1");
        }

        return new RequestDetails(details, request.EvidenceSubject);
    }

    /// <summary>An evidence subject: 1-256 printable ASCII characters without spaces.</summary>
    [GeneratedRegex(@"^[\x21-\x7E]{1,256}$")]
    public static partial Regex SubjectPattern();
}
