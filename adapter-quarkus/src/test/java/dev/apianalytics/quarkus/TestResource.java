package dev.apianalytics.quarkus;

import dev.apianalytics.testkit.Endpoint;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** The conformance suite's endpoints as a Quarkus REST resource. */
@Path("/")
@Produces(MediaType.TEXT_PLAIN)
public class TestResource {

    @GET
    @Path("hello")
    public String hello() {
        return "hello";
    }

    @GET
    @Path("users/{id}")
    public String user(@PathParam("id") String id) {
        return id;
    }

    @GET
    @Path("orders/{orderId: [0-9]+}")
    public String order(@PathParam("orderId") String orderId) {
        return orderId;
    }

    @POST
    @Path("echo")
    public Response echo(String body) {
        return Response.status(201).entity(body).build();
    }

    @GET
    @Path("redirect")
    public Response redirect() {
        return Response.status(302).header("Location", "/hello").build();
    }

    @GET
    @Path("boom")
    public String boom() {
        throw new IllegalStateException("the resource fails on purpose");
    }

    @GET
    @Path("async")
    public CompletionStage<String> async() {
        return CompletableFuture.supplyAsync(() -> "async",
                CompletableFuture.delayedExecutor(Endpoint.ASYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS));
    }

    @GET
    @Path("stream")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public StreamingOutput stream() {
        return out -> {
            byte[] chunk = new byte[64 * 1024];
            for (int written = 0; written < Endpoint.STREAM_BYTES; written += chunk.length) {
                out.write(chunk);
            }
        };
    }
}
