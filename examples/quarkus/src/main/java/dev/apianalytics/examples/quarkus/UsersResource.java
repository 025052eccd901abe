package dev.apianalytics.examples.quarkus;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A small Quarkus REST API that records its traffic with API Analytics: the dependency and
 * the {@code api-analytics.*} lines of application.properties are all it takes.
 *
 * <pre>
 * API_ANALYTICS_KEY=&lt;key&gt; mvn -pl examples/quarkus quarkus:dev
 * curl http://localhost:7073/users/1
 * </pre>
 */
@Path("/")
public class UsersResource {

    private static final Map<String, String> USERS = Map.of("1", "Ada", "2", "Grace", "3", "Linus");

    @GET
    @Path("users/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response user(@PathParam("id") String id) {
        String name = USERS.get(id);
        if (name == null) {
            return Response.status(404).build();
        }
        return Response.ok("{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}").build();
    }

    @POST
    @Path("users")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String user) {
        return Response.status(201).entity(user).build();
    }

    /** Completes later; the filter measures it until the response is written. */
    @GET
    @Path("reports/slow")
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<String> slowReport() {
        return CompletableFuture.supplyAsync(() -> "report", CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS));
    }
}
