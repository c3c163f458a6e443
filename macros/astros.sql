{#- One row per person of each astros reply in `relation` (which has `payload` and `_inserted_at`):
    craft, name, snapshot_at. Used by the people view and the people_history materialized view. -#}
{% macro astros_people(relation) -%}
select
    {{ json_string('person', 'craft') }} as craft,
    {{ json_string('person', 'name') }} as name,
    _inserted_at as snapshot_at
from {{ relation }}
array join {{ json_array('payload', 'people') }} as person
{%- endmacro %}
