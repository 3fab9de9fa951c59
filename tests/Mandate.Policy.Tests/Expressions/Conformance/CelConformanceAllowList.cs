namespace Mandate.Policy.Tests.Expressions.Conformance;

/// <summary>
/// Conformance cases where the policy language differs from CEL on purpose (docs/policy.md, "Differences
/// from full CEL"). Each entry is file/section/test and why. An entry that stops diverging fails the test,
/// so this list never outlives the difference it documents.
/// </summary>
internal static class CelConformanceAllowList
{
    public static readonly IReadOnlyDictionary<string, string> Differences = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["comparisons/eq_literal/not_eq_double_nan"] = NotFinite,
        ["comparisons/ne_literal/not_ne_double_nan"] = NotFinite,
        ["comparisons/ne_literal/ne_double_nan"] = NotFinite,
        ["fp_math/fp_math/divide_zero"] = NotFinite,
        ["fp_math/fp_math/fp_overflow_positive"] = NotFinite,
        ["fp_math/fp_math/fp_overflow_negative"] = NotFinite,
    };

    private const string NotFinite =
        "double arithmetic that gives NaN or an infinity is an error, so a condition never compares against a value that is not a number";
}
