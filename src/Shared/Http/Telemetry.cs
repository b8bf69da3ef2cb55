using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Chat.Shared.Http;

/// <summary>
/// OpenTelemetry for every service: traces of HTTP in and out and of the "Chat" source (Kafka
/// produce/consume, the Router's batches), exported by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// is set; metrics of the "Chat" meter and ASP.NET Core at <c>/metrics</c> in Prometheus format.
/// </summary>
public static class Telemetry
{
    public static IHostApplicationBuilder AddChatTelemetry(this IHostApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(ChatTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp) tracing.AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ChatTelemetry.Name).AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            });
        return builder;
    }

    public static WebApplication MapChatTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
