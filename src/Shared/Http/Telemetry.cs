using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Chat.Shared.Http;

/// <summary>
/// OpenTelemetry for every service: traces of HTTP in and out and of the "Chat" source (Kafka
/// produce/consume, the Router's batches), exported by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// is set; metrics of this provider's "Chat" meter and ASP.NET Core at <c>/metrics</c> in Prometheus format.
/// </summary>
public static class Telemetry
{
    public static IHostApplicationBuilder AddChatTelemetry(this IHostApplicationBuilder builder)
    {
        // Logging:Format=json: one JSON object per line, with the trace and span ids of the work being logged.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
        }
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(ChatTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp) tracing.AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            });
        // The Chat meter through the host's metrics rules rather than AddMeter, which would listen to
        // every meter of that name in the process: Local means only the meters of this provider's
        // IMeterFactory, so Hosts sharing a process (tests) each report their own series.
        builder.Services.AddMetrics();
        builder.Metrics.EnableMetrics(ChatTelemetry.Name, scopes: MeterScope.Local);
        return builder;
    }

    public static WebApplication MapChatTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
