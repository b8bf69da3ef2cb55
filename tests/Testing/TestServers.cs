namespace Chat.Testing;

/// <summary>
/// The real servers the test command starts (scripts/test.sh) and names in environment variables.
/// A test that needs one that is not there fails, saying how to get it: never a silent skip.
/// </summary>
public static class TestServers
{
    public static string Redis => Require("CHAT_TEST_REDIS", "redis-server");

    public static string Etcd => Require("CHAT_TEST_ETCD", "etcd");

    /// <summary>Settings for the etcd adapters (<c>Metadata:Kind=etcd</c>), every key under <paramref name="prefix"/> (a key space of the caller's own).</summary>
    public static Dictionary<string, string?> EtcdMetadata(string prefix) => new()
    {
        ["Metadata:Kind"] = "etcd", ["Etcd:Endpoints"] = Etcd, ["Etcd:Prefix"] = prefix,
    };

    /// <summary>The nginx binary (Debian's package); tests start it with the project's gateway config.</summary>
    public static string Nginx => Require("CHAT_TEST_NGINX", "nginx");

    /// <summary>Prometheus' rule checker (Debian's prometheus package).</summary>
    public static string Promtool => Require("CHAT_TEST_PROMTOOL", "promtool");

    /// <summary>Alertmanager's config checker (Debian's prometheus-alertmanager package).</summary>
    public static string Amtool => Require("CHAT_TEST_AMTOOL", "amtool");

    /// <summary>The S3 server (Ceph RGW): settings for <c>ObjectStore:Kind=s3</c>, with a bucket of the caller's own.</summary>
    public static Dictionary<string, string?> S3(string bucket)
    {
        var parts = Require("CHAT_TEST_S3", "the S3 server (radosgw)").Split(',');
        return new()
        {
            ["ObjectStore:Kind"] = "s3", ["ObjectStore:Endpoint"] = parts[0], ["ObjectStore:AccessKey"] = parts[1],
            ["ObjectStore:SecretKey"] = parts[2], ["ObjectStore:Bucket"] = bucket,
        };
    }

    /// <summary>Testcontainers needs a Docker engine; where there is none, Docker-only tests skip and say so.</summary>
    public static bool DockerAvailable =>
        File.Exists("/var/run/docker.sock") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"));

    public const string NoDocker =
        "No Docker engine here (no /var/run/docker.sock, no DOCKER_HOST): MongoDB and Apache Kafka run under Testcontainers, which needs one.";

    private static string Require(string variable, string server) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: {server} is not running. Run ./scripts/test.sh, which installs and starts it.");
}
