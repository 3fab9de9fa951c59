using System.Globalization;
using Mandate.Policy.Expressions;

namespace Mandate.Policy.Tests.Expressions.Conformance;

/// <summary>google.protobuf.Duration and Timestamp results (seconds and nanos) as the subset's values.</summary>
internal static class CelConformanceTime
{
    public static bool TryFromAny(TextProtoMessage any, out object? value)
    {
        value = null;
        if (any.Fields.Count != 1 || any.Fields[0].Value is not TextProtoMessage body)
        {
            return false;
        }

        var seconds = long.Parse(body.Scalar("seconds") ?? "0", CultureInfo.InvariantCulture);
        var nanos = int.Parse(body.Scalar("nanos") ?? "0", CultureInfo.InvariantCulture);
        switch (any.Fields[0].Name)
        {
            case "[type.googleapis.com/google.protobuf.Duration]":
                value = new CelDuration(seconds * CelDuration.NanosecondsPerSecond + nanos);
                return true;
            case "[type.googleapis.com/google.protobuf.Timestamp]":
                value = CelTimestamp.Create((Int128)seconds * CelDuration.NanosecondsPerSecond + nanos);
                return value is CelTimestamp;
            default:
                return false;
        }
    }
}
