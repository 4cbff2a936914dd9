/**
 * Server-side memory charts: one GPU's used, usable, allocated and reserved memory over time with
 * the predicted peak, the danger line and capacity, rendered by JFreeChart as PNG and by a small
 * SVG renderer of the same series (JFreeChart has no SVG output of its own, and JFreeSVG is not
 * among the served dependencies).
 */
package dev.headroom.collector.charts;
