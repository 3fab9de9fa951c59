using System.CommandLine;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Policy;

namespace Mandate.Cli.Commands;

/// <summary><c>--kind</c> of the audit commands: every kind that exists in its help, and an unknown one refused, not answered with "no records".</summary>
internal static class AuditKindOption
{
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--kind") { Description = "Record kind: " + string.Join(", ", AuditKindCatalog.All) };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } kind && !AuditKindCatalog.IsKnown(kind))
            {
                var hint = NameSuggestions.Closest(kind, AuditKindCatalog.All) is { } suggestion ? $"did you mean '{suggestion}'? " : "";
                result.AddError($"--kind: no audit record kind is called '{kind}'; {hint}the kinds are: {string.Join(", ", AuditKindCatalog.All)}");
            }
        });
        return option;
    }
}
