using System.CommandLine;
using Mandate.Core.Audit;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>--trace</c> of <c>mandate audit query</c>: the W3C trace id a record carries. Anything but 32 lowercase hex
/// digits is refused, since no record could match it and "no records" would mislead.
/// </summary>
internal static class AuditTraceOption
{
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--trace") { Description = "W3C trace id (32 lowercase hex digits) of the request that caused the records" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } trace && !AuditQuery.IsTraceId(trace))
            {
                result.AddError($"--trace: '{trace}' is not a W3C trace id (32 lowercase hex digits, as in a traceparent header)");
            }
        });
        return option;
    }
}
