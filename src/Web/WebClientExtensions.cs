using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Web;

/// <summary>Section <c>WebClient</c>: where the browser client's files are and what its page may connect to.</summary>
public sealed class WebClientOptions
{
    public const string Section = "WebClient";

    /// <summary>The folder served at <c>/</c>; unset, the copy built beside the assemblies (<c>webclient/</c>).</summary>
    public string? Root { get; set; }

    /// <summary>
    /// Origins besides the page's own that the page fetches from and shows images of — an S3 endpoint
    /// that answers the presigned upload and download URLs, say (<c>https://s3.example</c>).
    /// </summary>
    public List<string> ObjectStoreOrigins { get; set; } = [];

    /// <summary>
    /// One policy for the page wherever it is served (the Host here; nginx/web-headers.conf says the same):
    /// scripts and styles from files of this origin only (no inline code), and connections to this
    /// origin, its WebSocket included ('self' covers ws: and wss: of the same host).
    /// </summary>
    public string ContentSecurityPolicy()
    {
        var extra = ObjectStoreOrigins.Count == 0 ? "" : " " + string.Join(' ', ObjectStoreOrigins);
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:" + extra + "; connect-src 'self'" + extra
            + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }
}

public static class WebClientExtensions
{
    public static IHostApplicationBuilder AddWebClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebClientOptions>().BindConfiguration(WebClientOptions.Section);
        return builder;
    }

    /// <summary>
    /// Serves <c>index.html</c> at <c>/</c> and the client's files under it. Placed before
    /// authentication: the page and its scripts are public (the fallback policy would refuse them).
    /// </summary>
    public static WebApplication UseWebClient(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<WebClientOptions>>().Value;
        var root = options.Root ?? Path.Combine(AppContext.BaseDirectory, "webclient");
        if (!Directory.Exists(root)) throw new InvalidOperationException($"WebClient:Root '{root}' does not exist: no browser client to serve.");
        var files = new PhysicalFileProvider(Path.GetFullPath(root));
        var policy = options.ContentSecurityPolicy();
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // No build step means no hashed file names: revalidate each time (ETag makes that cheap).
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }
}
