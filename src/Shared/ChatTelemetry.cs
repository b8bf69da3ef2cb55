using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Shared;

/// <summary>The one ActivitySource and Meter every service reports through (named "Chat").</summary>
public static class ChatTelemetry
{
    public const string Name = "Chat";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);
}
